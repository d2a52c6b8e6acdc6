"""``--model organism/<name>``: a checked-in organism (or any local HF directory) by name.

A thin wrapper over Inspect's HF provider that checks the directory *before* loading, so a
typo gives one clear line instead of a hub-download traceback, and that sets offline mode
and greedy decoding (option log-probabilities are exact only under greedy decoding).
Registered through the ``inspect_ai`` entry point in pyproject.toml.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from inspect_ai.model import GenerateConfig, modelapi
from inspect_ai.model._providers.hf import HuggingFaceAPI

from loaders.errors import UserInputError
from organisms import ORGANISMS_DIR


class OrganismNotFound(UserInputError):
    """No model directory at the given organism name or path."""


def resolve_organism(name: str) -> Path:
    """The model directory for a checked-in organism name or a path; a clear error if absent."""
    path = Path(name) if ("/" in name or Path(name).exists()) else ORGANISMS_DIR / name
    if not (path / "config.json").is_file():
        known = sorted(p.name for p in ORGANISMS_DIR.iterdir() if (p / "config.json").is_file())
        raise OrganismNotFound(
            f"no such model directory: {path} (no config.json there) "
            f"(checked-in organisms: {', '.join(known)}; train one with python -m organisms.train <name>)"
        )
    return path


class CheckedHFAPI(HuggingFaceAPI):
    """Inspect's HF provider behind a directory check, offline and greedy by default."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        path = resolve_organism(model_name)
        tokenizer_files = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json")
        if not any((path / f).is_file() for f in tokenizer_files) and not (
                model_args.get("tokenizer_path") or model_args.get("tokenizer")):
            raise OrganismNotFound(f"{path} has no tokenizer files ({', '.join(tokenizer_files)}); "
                                   "add them or give -M tokenizer_path=<dir>")
        model_args.setdefault("do_sample", False)
        super().__init__(model_name, base_url, api_key, config, model_path=str(path), **model_args)


@modelapi(name="organism")
class OrganismAPI(CheckedHFAPI):
    """``--model organism/<name>``: a checked-in organism by name (or a path)."""


@modelapi(name="local")
class LocalCheckpointAPI(CheckedHFAPI):
    """``--model local/<dir>``: any local HF checkpoint, with the same checks (a missing
    directory or tokenizer is one line, not a hub traceback), offline and greedy. Each
    directory is its own model name, so Inspect's cache never serves one checkpoint's answers
    to another (``hf/local -M model_path=…`` shares one name)."""
