"""``-T dataset=<spec>``: one function from a dataset spec to Inspect samples.

Specs: ``builtin`` (MC, default), ``builtin:free``, ``builtin:hard``, ``builtin:hard-free``;
the hub datasets in ``cot_harness.loaders.hub.HUB_DATASETS`` (``gsm8k``, ``aqua``, ``bbh:<task>``, …);
or a path to a local ``.jsonl``/``.csv`` file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from inspect_ai.dataset import MemoryDataset

from cot_harness.core.paths import user_path
from cot_harness.loaders.builtin import ChainItem, generate_items
from cot_harness.loaders.common import DatasetError, Question, duplicate_questions
from cot_harness.loaders.local import load_local

BUILTIN_VARIANTS = {
    "builtin": ("organism", "mc"),
    "builtin:mc": ("organism", "mc"),
    "builtin:free": ("organism", "free"),
    "builtin:hard": ("hard", "mc"),
    "builtin:hard-free": ("hard", "free"),
}


def builtin_question(item: ChainItem, answer_format: str, dataset: str) -> Question:
    mc = answer_format == "mc"
    return Question(
        id=item.id,
        question=item.question(),
        answer=item.target_letter if mc else str(item.answer),
        options=[str(o) for o in item.options] if mc else [],
        dataset=dataset,
        gold_cot=item.gold_steps(),
        extra={
            "builtin": {
                "start": item.start,
                "ops": [list(op) for op in item.ops],
                "values": list(item.values),
                "modulus": item.modulus,
                "option_values": list(item.options),
            }
        },
    )


def known_specs() -> list[str]:
    return [*BUILTIN_VARIANTS, *_hub_names()]


@dataclass
class Loaded:
    """Questions with their provenance: the log's dataset location and every rejected item."""

    questions: list[Question]
    location: str
    rejected: list[tuple[str, str]] = field(default_factory=list)


def load(
    spec: str, n: int | None = None, seed: int = 0, path: str | None = None, revision: str | None = None,
    answer_index: int | None = None, skip_bad_items: bool = False,
) -> Loaded:
    """Questions for ``spec``; ``skip_bad_items``: a local file's bad items are left out and listed
    (the default refuses the file, naming the line); ``n`` items (seeded subsample for real datasets). ``path`` and
    ``revision`` apply to hub datasets only (a local copy in the hub's format; a hub commit).
    ``answer_index`` (0 or 1) declares how a local file's numeric answers count options.
    Repeated questions (same text and options) are removed and listed with the rejected items."""
    file = user_path(spec)
    local_file = spec.endswith((".jsonl", ".csv")) or file.exists()
    if (spec in BUILTIN_VARIANTS or local_file) and (path or revision):
        raise DatasetError(f"dataset {spec!r}: path and revision apply to hub datasets ({', '.join(_hub_names())}) only")
    if answer_index is not None and not local_file:
        raise DatasetError(f"dataset {spec!r}: answer_index applies to local .jsonl/.csv files only")
    if spec in BUILTIN_VARIANTS:
        preset, answer_format = BUILTIN_VARIANTS[spec]
        items = generate_items(n or 100, seed=seed, preset=preset)  # type: ignore[arg-type]
        return Loaded([builtin_question(item, answer_format, spec) for item in items], f"generated:{spec}:seed={seed}")
    if not local_file and skip_bad_items:
        raise DatasetError(f"dataset {spec!r}: bad_items=skip applies to local .jsonl/.csv files (hub datasets "
                           "always skip and list theirs)")
    if local_file:
        rejected: list[tuple[str, str]] = []
        loaded = Loaded(load_local(file, answer_index, rejected if skip_bad_items else None), str(file), rejected)
    else:
        from cot_harness.loaders.hub import load_hub

        if spec.split(":", 1)[0] not in _hub_names():
            raise DatasetError(
                f"unknown dataset {spec!r}; choose one of {', '.join(known_specs())}, "
                "or give a path to a .jsonl/.csv file"
            )
        result = load_hub(spec, path=path, revision=revision)
        loaded = Loaded(result.questions, result.location, result.rejected)
    duplicates = duplicate_questions(loaded.questions)
    if duplicates:
        dropped = {qid for qid, _ in duplicates}
        loaded.questions = [q for q in loaded.questions if q.id not in dropped]
        loaded.rejected += duplicates
    if n is not None and n < len(loaded.questions):
        loaded.questions = random.Random(f"subsample:{spec}:{seed}").sample(loaded.questions, n)
    return loaded


def _hub_names() -> list[str]:
    from cot_harness.loaders.hub import HUB_DATASETS

    return list(HUB_DATASETS)


def load_questions(
    spec: str, n: int | None = None, seed: int = 0, path: str | None = None, revision: str | None = None
) -> list[Question]:
    """Questions for ``spec`` (see :func:`load`)."""
    return load(spec, n, seed, path, revision).questions


def load_dataset(
    spec: str, n: int | None = None, seed: int = 0, path: str | None = None, revision: str | None = None
) -> MemoryDataset:
    """Inspect samples for ``spec`` (see module docstring); ``path`` reads a local copy."""
    loaded = load(spec, n, seed, path, revision)
    return to_memory_dataset(spec, loaded)


def to_memory_dataset(spec: str, loaded: Loaded) -> MemoryDataset:
    return MemoryDataset([q.to_sample() for q in loaded.questions], name=spec, location=loaded.location)
