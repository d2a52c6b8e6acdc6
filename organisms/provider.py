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
            f"organism path {path} does not exist or has no config.json "
            f"(checked-in organisms: {', '.join(known)}; train one with python -m organisms.train <name>)"
        )
    return path


@modelapi(name="organism")
class OrganismAPI(HuggingFaceAPI):
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
        model_args.setdefault("do_sample", False)
        super().__init__(model_name, base_url, api_key, config, model_path=str(path), **model_args)
