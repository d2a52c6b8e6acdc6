"""Shared test helpers: where ../shared is, organism paths, offline settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORGANISMS = REPO / "organisms"

needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared is not present beside the repo")


def organism_path(name: str) -> Path:
    path = ORGANISMS / name
    if not (path / "model.safetensors").exists():
        pytest.fail(f"organism {name} is not checked in at {path}; run python -m organisms.train {name}")
    return path
