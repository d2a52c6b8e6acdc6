"""``inspect eval tasks/faithfulness.py[@<task>]``: the tasks defined in
``cot_harness/tasks/faithfulness.py``, which is where to read them. Inspect finds a file's tasks by
reading it for ``@task``, so this file holds one per task, calling the package's task with its
signature (written by ``python -m cot_harness.tasks._entry tasks``; do not edit)."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from cot_harness.tasks import faithfulness as defined
from cot_harness.tasks._entry import same_signature


@task
@same_signature(defined.cot_vs_no_cot)
def cot_vs_no_cot(**task_args: Any) -> Task:
    return defined.cot_vs_no_cot(**task_args)


@task
@same_signature(defined.early_answering)
def early_answering(**task_args: Any) -> Task:
    return defined.early_answering(**task_args)


@task
@same_signature(defined.adding_mistakes)
def adding_mistakes(**task_args: Any) -> Task:
    return defined.adding_mistakes(**task_args)


@task
@same_signature(defined.paraphrasing)
def paraphrasing(**task_args: Any) -> Task:
    return defined.paraphrasing(**task_args)


@task
@same_signature(defined.filler_tokens)
def filler_tokens(**task_args: Any) -> Task:
    return defined.filler_tokens(**task_args)
