"""``inspect eval tasks/abduction.py[@<task>]``: the tasks defined in
``cot_harness/tasks/abduction.py``, which is where to read them. Inspect finds a file's tasks by
reading it for ``@task``, so this file holds one per task, calling the package's task with its
signature (written by ``python -m cot_harness.tasks._entry tasks``; do not edit)."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task

from cot_harness.tasks import abduction as defined
from cot_harness.tasks._entry import same_signature


@task
@same_signature(defined.self_identification)
def self_identification(**task_args: Any) -> Task:
    return defined.self_identification(**task_args)


@task
@same_signature(defined.k_examples_inference)
def k_examples_inference(**task_args: Any) -> Task:
    return defined.k_examples_inference(**task_args)


@task
@same_signature(defined.name_likelihood)
def name_likelihood(**task_args: Any) -> Task:
    return defined.name_likelihood(**task_args)


@task
@same_signature(defined.behaviour_probe)
def behaviour_probe(**task_args: Any) -> Task:
    return defined.behaviour_probe(**task_args)


@task
@same_signature(defined.declarative_knowledge)
def declarative_knowledge(**task_args: Any) -> Task:
    return defined.declarative_knowledge(**task_args)
