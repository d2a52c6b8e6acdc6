"""One way to build a harness Task, shared by every task file."""

from __future__ import annotations

from inspect_ai import Task
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from loaders import load_dataset
from solvers.hf_provider import prepare_hf_provider


def suite_task(
    suite: str, name: str, dataset: str, n: int | None, seed: int, max_tokens: int, solver: Solver, scorer: Scorer
) -> Task:
    """A task on ``dataset`` (see docs/datasets.md); seed and settings recorded in the log."""
    prepare_hf_provider()
    return Task(
        dataset=load_dataset(dataset, n, seed),
        solver=solver,
        scorer=scorer,
        config=GenerateConfig(max_tokens=max_tokens, seed=seed),
        metadata={"suite": suite, "test": name, "dataset": dataset, "seed": seed},
    )
