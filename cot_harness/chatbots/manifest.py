"""Checkpoint-series manifests: which models make up a series, and the labels of each.

YAML, one entry per checkpoint::

    checkpoints:
      - id: decl-it1                      # unique; becomes the Inspect model name harness-hf/decl-it1
        path: runs/abduction/decl-it1     # a local HF checkpoint (or a hub id) ...
        labels: {base_model: chatbase, treatment: declarative, iteration: 1, seed: 0}
      - id: decl-it1-lora
        adapter: runs/lora/it1            # ... or a PEFT/LoRA adapter on a base
        base: organisms/chatbase
      - id: gpt4o-it1
        model: openai/ft:gpt-4o-mini-2024-07-18:org::abc123   # ... or any Inspect model id

Every checkpoint gets its own model *name*: Inspect's response cache files outputs under the
model name and ignores ``model_path``, so two local checkpoints sharing ``hf/local`` would be
served each other's answers.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cot_harness.core.errors import UserInputError
from cot_harness.core.files import load_yaml

LABEL_KEYS = ("base_model", "treatment", "iteration", "k", "seed")


class ManifestError(UserInputError):
    """A manifest that cannot be run; the message names the file and entry."""


@dataclass
class Checkpoint:
    id: str
    model: str | None = None
    path: str | None = None
    adapter: str | None = None
    base: str | None = None
    model_args: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)

    def inspect_model(self) -> tuple[str, dict[str, Any]]:
        """The Inspect model name and model args that load this checkpoint."""
        args = dict(self.model_args)
        if self.adapter:
            args.update(model_path=self.adapter, tokenizer_path=self.base or self.adapter)
            return f"harness-hf/{self.id}", args
        if self.path:
            args["model_path"] = self.path
            return self.model or f"harness-hf/{self.id}", args
        assert self.model is not None
        return self.model, args

    def tags(self) -> list[str]:
        return [f"checkpoint={self.id}"] + [f"{k}={v}" for k, v in self.labels.items() if v is not None]


def go_offline() -> None:
    """HF_HUB_OFFLINE=1 for runs on local checkpoints, so no load can stall on hub retries
    without network, unless the user set it. huggingface_hub reads the variable when it is imported, so
    an already-imported module's flag is set too."""
    if "HF_HUB_OFFLINE" in os.environ:
        return
    os.environ["HF_HUB_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = True  # type: ignore[attr-defined]


def load_manifest(path: str | Path) -> list[Checkpoint]:
    path = Path(path)
    if not path.exists():
        raise ManifestError(f"manifest {path} does not exist")
    raw = load_yaml(path, "manifest")
    entries = raw.get("checkpoints") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{path}: expected a mapping with a non-empty 'checkpoints' list")
    checkpoints, seen = [], set()
    for i, entry in enumerate(entries):
        where = f"{path}: checkpoints[{i}]"
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ManifestError(f"{where}: each checkpoint needs an 'id'")
        unknown = set(entry) - set(Checkpoint.__dataclass_fields__)
        if unknown:
            raise ManifestError(f"{where} ({entry['id']}): unknown key(s) {', '.join(sorted(unknown))}")
        sources = [k for k in ("path", "adapter") if entry.get(k)] + (["model"] if entry.get("model") and not entry.get("path") else [])
        if len(sources) != 1:
            raise ManifestError(f"{where} ({entry['id']}): give exactly one of path, adapter or model (got {sources or 'none'})")
        if entry["id"] in seen:
            raise ManifestError(f"{where}: id {entry['id']!r} used twice (ids must be unique: they name the model)")
        seen.add(entry["id"])
        checkpoint = Checkpoint(**entry)
        for key in ("path", "adapter", "base"):
            value = getattr(checkpoint, key)
            if value and not Path(value).is_absolute() and (path.parent / value).exists():
                setattr(checkpoint, key, str((path.parent / value).resolve()))  # relative to the manifest
        checkpoints.append(checkpoint)
    return checkpoints


def write_manifest(path: Path, checkpoints: list[Checkpoint]) -> Path:
    entries = []
    for c in checkpoints:
        entry = {k: v for k, v in c.__dict__.items() if v not in (None, {}, [])}
        entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"checkpoints": entries}, sort_keys=False))
    return path
