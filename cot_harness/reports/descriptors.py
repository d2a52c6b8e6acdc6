"""The descriptors a report draws with, read from the logs themselves.

Each task writes its full descriptor — headlines, bar figures, curve, profile rank, calls per
sample, reading notes — into its log's task metadata (``descriptor``). The report reads only that:
no task module, solver or provider is imported, so it runs where the harness's task code cannot
be loaded, and an old log is drawn with the descriptor it was run with. Logs written before
descriptors were logged (task version ≤ 3) fall back to ``legacy_descriptors.json``, the
descriptors of that version, with the run's own logged headlines.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog

from cot_harness.core.descriptors import Descriptor

LEGACY_FILE = Path(__file__).parent / "legacy_descriptors.json"


def task_name(log: EvalLog) -> str:
    """The task's name without the registry prefix Inspect adds for an installed package."""
    return log.eval.task.split("/")[-1].split("@")[-1]


@cache
def _legacy() -> dict[str, dict[str, Any]]:
    return dict(json.loads(LEGACY_FILE.read_text(encoding="utf-8")))


def log_descriptor(log: EvalLog) -> Descriptor | None:
    """The descriptor the run wrote, or (older logs) the legacy one with the run's headlines;
    None for a log of a task that is not the harness's."""
    metadata = log.eval.metadata or {}
    if isinstance(metadata.get("descriptor"), dict):
        return Descriptor.from_metadata(metadata["descriptor"])
    legacy = _legacy().get(task_name(log))
    if legacy is None:
        return None
    return Descriptor.from_metadata({**legacy, "headlines": metadata.get("headlines") or legacy.get("headlines") or []})


def descriptors_of(logs: list[EvalLog]) -> dict[str, Descriptor]:
    """Test name → descriptor for the tests in ``logs``, in profile order (the last log of a
    test decides; runs of one test share their figures and curve)."""
    found: dict[str, Descriptor] = {}
    for log in logs:
        descriptor = log_descriptor(log)
        if descriptor is not None:
            found[descriptor.test] = descriptor
    return dict(sorted(found.items(), key=lambda item: item[1].rank))


def known_legacy_tasks() -> list[str]:
    return list(_legacy())
