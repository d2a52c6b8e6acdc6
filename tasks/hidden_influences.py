"""``inspect eval tasks/hidden_influences.py[@<task>]``: the tasks defined in
``cot_harness/tasks/hidden_influences.py``, which is where to read them. Inspect finds a file's tasks by
reading it for ``@task``, so this file holds one per task, calling the package's task with its
signature (written by ``python -m cot_harness.tasks._entry tasks``; do not edit)."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from cot_harness.tasks import hidden_influences as defined
from cot_harness.tasks._entry import same_signature


@task
@same_signature(defined.cot_predictiveness)
def cot_predictiveness(**task_args: Any) -> Task:
    return defined.cot_predictiveness(**task_args)


@task
@same_signature(defined.biased_context)
def biased_context(**task_args: Any) -> Task:
    return defined.biased_context(**task_args)


@task
@same_signature(defined.hint_verbalization)
def hint_verbalization(**task_args: Any) -> Task:
    return defined.hint_verbalization(**task_args)
