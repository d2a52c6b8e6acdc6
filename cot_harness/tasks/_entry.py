"""The checkout's top-level ``tasks/`` files: what ``inspect eval tasks/faithfulness.py`` loads.

The tasks are defined once, in this package (``cot_harness/tasks/<file>.py``), and registered as
``cot_harness/<task>``. Inspect finds the tasks of a *file* by reading it for ``@task``
definitions, so each top-level file holds one small ``@task`` per task that calls the package's
task with the same signature (options, defaults and help come from the package's declaration;
``-T`` checking happens there too). ``python -m cot_harness.tasks._entry <checkout>/tasks`` writes
them; ``tests/test_structure.py`` keeps them in step with the package.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def same_signature(defined: Callable[..., Any]) -> Callable[[F], F]:
    """Give an entry function the signature and docstring of the package task it calls, so
    Inspect records every option with its default and lists the same help."""

    def adopt(entry: F) -> F:
        entry.__signature__ = inspect.signature(defined)  # type: ignore[attr-defined]
        entry.__doc__ = defined.__doc__
        return entry

    return adopt


def entry_file_text(module_name: str) -> str:
    """The top-level ``tasks/<module_name>.py`` for ``cot_harness.tasks.<module_name>``."""
    module = importlib.import_module(f"cot_harness.tasks.{module_name}")
    tasks = list(getattr(module, "DESCRIPTORS", {}))
    lines = [f'"""``inspect eval tasks/{module_name}.py[@<task>]``: the tasks defined in',
             f"``cot_harness/tasks/{module_name}.py``, which is where to read them. Inspect finds a file's tasks by",
             "reading it for ``@task``, so this file holds one per task, calling the package's task with its",
             'signature (written by ``python -m cot_harness.tasks._entry tasks``; do not edit)."""', "",
             "from __future__ import annotations", "", "from typing import Any", "",
             "from inspect_ai import Task, task", "",
             f"from cot_harness.tasks import {module_name} as defined",
             "from cot_harness.tasks._entry import same_signature", ""]
    for name in tasks:
        lines += ["", "@task", f"@same_signature(defined.{name})", f"def {name}(**task_args: Any) -> Task:",
                  f"    return defined.{name}(**task_args)", ""]
    return "\n".join(lines)


def task_modules() -> list[str]:
    """The package's task modules that define tasks, as the registry finds them."""
    from cot_harness.tasks import task_module_names

    return [n for n in task_module_names()
            if getattr(importlib.import_module(f"cot_harness.tasks.{n}"), "DESCRIPTORS", None)]


def main() -> None:
    parser = argparse.ArgumentParser(description="write the checkout's top-level task entry files")
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    for name in task_modules():
        (args.directory / f"{name}.py").write_text(entry_file_text(name), encoding="utf-8")
        print(args.directory / f"{name}.py")


if __name__ == "__main__":
    main()
