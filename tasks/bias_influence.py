"""``inspect eval tasks/bias_influence.py[@<task>]``: the tasks defined in
``cot_harness/tasks/bias_influence.py``, which is where to read them. Inspect finds a file's tasks by
reading it for ``@task``, so this file holds one per task, calling the package's task with its
signature (written by ``python -m cot_harness.tasks._entry tasks``; do not edit)."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from cot_harness.tasks import bias_influence as defined
from cot_harness.tasks._entry import same_signature


@task
@same_signature(defined.bias_influence)
def bias_influence(**task_args: Any) -> Task:
    return defined.bias_influence(**task_args)
