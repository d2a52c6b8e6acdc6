"""One way to build a harness Task, shared by the suite task files (tasks layer: it composes solvers and scorers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from cot_harness.core.defaults import DEFAULT_N, TASK_VERSION, Forcing
from cot_harness.core.descriptors import Descriptor
from cot_harness.core.errors import UserInputError
from cot_harness.loaders.registry import load, to_memory_dataset
from cot_harness.providers.inspect_private import active_model
from cot_harness.scorers.trajectory import trajectory_scorer
from cot_harness.solvers.forcing import resolve_strategy
from cot_harness.solvers.params import check_roles, fit_to_context, sample_text


@dataclass(frozen=True)
class DataArgs:
    """The dataset task arguments every suite task takes (``-T dataset=… -T n=… -T seed=…``,
    and for hub datasets ``-T path=<local copy>`` and ``-T revision=<commit>``)."""

    dataset: str = "builtin"
    n: int | None = DEFAULT_N
    seed: int = 0
    path: str | None = None
    revision: str | None = None
    answer_index: int | None = None  # 0 or 1: how a local file's numeric answers count options
    bad_items: str = "refuse"  # a local file's bad items: refuse the file (naming the line) or skip and list them


def check_forcing(forcing: Forcing) -> Forcing:
    """``-T forcing`` (already one of ``FORCING``: the task declares it) possible for the model
    being evaluated: checked here, once, rather than failing every sample."""
    model = active_model()
    if model is not None:
        try:
            resolve_strategy(model, forcing)
        except ValueError as error:
            raise UserInputError(f"-T {error}") from None
    return forcing


def suite_task(
    descriptor: Descriptor, data: DataArgs, max_tokens: int, solver: Solver, scorer: Scorer,
    roles: tuple[str, ...] = (), prepare: Callable[[MemoryDataset], MemoryDataset] | None = None,
    prompt_text: Callable[[Sample], str] = sample_text,
) -> Task:
    """A task on ``data.dataset`` (see docs/datasets.md). The log records the seed and settings,
    where the questions came from (the dataset location: file, or hub commit) and every item the
    loader rejected, with the reason. Parameters, model roles (``roles``: the ones this task
    reads) and the model's context window are checked here, before any model call."""
    check_roles(roles, descriptor.test)
    loaded = load(data.dataset, data.n, data.seed, data.path, data.revision, data.answer_index,
                  data.bad_items == "skip")
    dataset = to_memory_dataset(data.dataset, loaded)
    if prepare is not None:  # e.g. few-shot exemplars: measured below with the question they precede
        dataset = prepare(dataset)
    kept, too_long = fit_to_context(list(dataset), max_tokens, prompt_text=prompt_text)
    loaded.rejected += too_long
    if too_long:
        dataset = type(dataset)(kept, name=dataset.name, location=dataset.location)
    return Task(
        version=TASK_VERSION,
        dataset=dataset,
        solver=solver,
        scorer=[scorer, trajectory_scorer()],  # post-hoc rationalisation on the model's own CoT, every test
        config=GenerateConfig(max_tokens=max_tokens, seed=data.seed),
        metadata={
            "suite": descriptor.suite, "test": descriptor.test, "dataset": data.dataset, "seed": data.seed,
            "dataset_location": loaded.location,
            "rejected_items": [f"{where}: {reason}" for where, reason in loaded.rejected],
            "headlines": list(descriptor.headlines), "descriptor": descriptor.as_metadata(),
        },
    )
