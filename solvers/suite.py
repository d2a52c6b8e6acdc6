"""One way to build a harness Task, shared by every task file."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ai import Task
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from loaders.registry import load, to_memory_dataset
from solvers.hf_provider import prepare_hf_provider


@dataclass(frozen=True)
class DataArgs:
    """The dataset task arguments every suite task takes (``-T dataset=… -T n=… -T seed=…``,
    and for hub datasets ``-T path=<local copy>`` and ``-T revision=<commit>``)."""

    dataset: str = "builtin"
    n: int | None = 100
    seed: int = 0
    path: str | None = None
    revision: str | None = None
    answer_index: int | None = None  # 0 or 1: how a local file's numeric answers count options


def suite_task(
    suite: str, name: str, data: DataArgs, max_tokens: int, solver: Solver, scorer: Scorer
) -> Task:
    """A task on ``data.dataset`` (see docs/datasets.md). The log records the seed and settings,
    where the questions came from (the dataset location: file, or hub commit) and every item the
    loader rejected, with the reason."""
    prepare_hf_provider()
    loaded = load(data.dataset, data.n, data.seed, data.path, data.revision, data.answer_index)
    return Task(
        dataset=to_memory_dataset(data.dataset, loaded),
        solver=solver,
        scorer=scorer,
        config=GenerateConfig(max_tokens=max_tokens, seed=data.seed),
        metadata={
            "suite": suite, "test": name, "dataset": data.dataset, "seed": data.seed,
            "dataset_location": loaded.location,
            "rejected_items": [f"{where}: {reason}" for where, reason in loaded.rejected],
        },
    )
