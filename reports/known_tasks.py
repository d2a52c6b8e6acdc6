"""Which tasks this harness defines, read from ``tasks/*.py`` without importing them.

The report refuses logs it cannot interpret (a log from some other Inspect task would yield a
report of blanks, or worse, numbers under the wrong headings), and a comparison config that names
a task that does not exist must fail before anything runs.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

TASKS_DIR = Path(__file__).resolve().parents[1] / "tasks"


def task_names(file: Path) -> list[str]:
    """The ``@task`` functions defined in ``file``."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and any(map(_is_task_decorator, node.decorator_list))]


def _is_task_decorator(decorator: ast.expr) -> bool:
    """``@task`` or ``@task(...)``."""
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(called, ast.Name) and called.id == "task"


@cache
def harness_tasks() -> dict[str, str]:
    """Task name → task file (relative to the repo) for every task the harness ships."""
    return {name: f"tasks/{file.name}" for file in sorted(TASKS_DIR.glob("*.py")) for name in task_names(file)}
