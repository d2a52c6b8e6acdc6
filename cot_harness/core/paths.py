"""Paths typed on the command line, resolved where the user typed them.

``inspect eval tasks/x.py -T dataset=data/mine.jsonl`` builds its tasks inside ``tasks/``:
Inspect changes the working directory to the task file's folder while it constructs tasks, so a
plain ``Path("data/mine.jsonl")`` would look in ``tasks/data/``. A relative path is therefore
tried against the shell's working directory (``$PWD``, which a ``chdir`` does not change) first,
then against the current directory (Inspect's task-relative convention). The result is absolute,
so the log records exactly which file was read.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
ORGANISMS_DIR = PACKAGE_DIR / "organisms"  # the shipped organisms' checkpoints (package data)
DATA_DIR = Path(__file__).resolve().parent / "data"  # the chatbot roster and the abduction prompts


def _bases() -> list[Path]:
    bases = [Path(os.environ["PWD"])] if os.environ.get("PWD") else []
    if Path.cwd() not in bases:
        bases.append(Path.cwd())
    return bases


def user_path(text: str | Path) -> Path:
    """The absolute path ``text`` names: the first base where it exists, else under the first base
    (so a not-found message shows the path the user meant)."""
    path = Path(text).expanduser()
    if path.is_absolute():
        return path
    bases = _bases()
    for base in bases:
        if (base / path).exists():
            return (base / path).resolve()
    return bases[0] / path


def user_glob(pattern: str) -> list[Path]:
    """Files matching ``pattern`` (``**`` recursive), under the first base where anything matches."""
    if Path(pattern).expanduser().is_absolute():
        return sorted(Path(p) for p in glob.glob(os.path.expanduser(pattern), recursive=True))
    for base in _bases():
        matches = sorted(Path(p) for p in glob.glob(str(base / pattern), recursive=True))
        if matches:
            return matches
    return []
