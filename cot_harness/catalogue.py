"""Which tasks this harness defines, for the commands that run them (the comparison runner,
``python -m cot_harness``): the descriptors and ``@task`` functions of every task module the
registry loads. The report does not ask here — it reads the descriptors each run wrote into its
log (``reports/descriptors.py``), so it needs no task code and draws an old log as it was run.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import cast

from inspect_ai import Task

from cot_harness.core.descriptors import Descriptor
from cot_harness.registry import TASK_MODULES


@cache
def descriptors() -> dict[str, Descriptor]:
    """Test name → descriptor, in profile order."""
    found = [d for module in TASK_MODULES for d in getattr(module, "DESCRIPTORS", {}).values()]
    return {d.test: d for d in sorted(found, key=lambda d: d.rank)}


@cache
def harness_tasks() -> dict[str, str]:
    """Task name → the task file (relative to the repo) that defines it."""
    return {d.test: f"tasks/{module.__name__.rsplit('.', 1)[-1]}.py"
            for module in TASK_MODULES for d in getattr(module, "DESCRIPTORS", {}).values()}


def task_function(name: str) -> Callable[..., Task]:
    """The ``@task`` function of a harness task. Library code runs tasks through these objects,
    never through a path relative to the working directory or a registry string (which Inspect
    resolves only where it sees the package as installed)."""
    for module in TASK_MODULES:
        if name in getattr(module, "DESCRIPTORS", {}):
            return cast(Callable[..., Task], getattr(module, name))
    raise KeyError(f"no harness task {name!r} (tasks: {', '.join(harness_tasks())})")


def task_names(file: str) -> list[str]:
    """The tasks of a harness task file (``tasks/faithfulness.py``)."""
    return [name for name, defined_in in harness_tasks().items() if defined_in == file]
