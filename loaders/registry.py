"""``-T dataset=<spec>``: one function from a dataset spec to Inspect samples.

Specs: ``builtin`` (MC, default), ``builtin:free``, ``builtin:hard``, ``builtin:hard-free``;
the hub datasets in ``loaders.hub.HUB_DATASETS`` (``gsm8k``, ``aqua``, ``bbh:<task>``, …);
or a path to a local ``.jsonl``/``.csv`` file.
"""

from __future__ import annotations

import random
from pathlib import Path

from inspect_ai.dataset import MemoryDataset

from loaders.builtin import ChainItem, generate_items
from loaders.common import DatasetError, Question
from loaders.local import load_local

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
    from loaders.hub import HUB_DATASETS

    return [*BUILTIN_VARIANTS, *HUB_DATASETS]


def load_questions(
    spec: str, n: int | None = None, seed: int = 0, path: str | None = None, revision: str | None = None
) -> list[Question]:
    """Questions for ``spec``; ``n`` items (seeded subsample for real datasets)."""
    if spec in BUILTIN_VARIANTS:
        preset, answer_format = BUILTIN_VARIANTS[spec]
        items = generate_items(n or 100, seed=seed, preset=preset)  # type: ignore[arg-type]
        return [builtin_question(item, answer_format, spec) for item in items]
    if spec.endswith((".jsonl", ".csv")) or Path(spec).exists():
        questions = load_local(spec)
    else:
        from loaders.hub import HUB_DATASETS, load_hub

        name = spec.split(":", 1)[0]
        if name not in HUB_DATASETS:
            raise DatasetError(
                f"unknown dataset {spec!r}; choose one of {', '.join(known_specs())}, "
                "or give a path to a .jsonl/.csv file"
            )
        questions = load_hub(spec, path=path, revision=revision).questions
    if n is not None and n < len(questions):
        questions = random.Random(f"subsample:{spec}:{seed}").sample(questions, n)
    return questions


def load_dataset(
    spec: str, n: int | None = None, seed: int = 0, path: str | None = None, revision: str | None = None
) -> MemoryDataset:
    """Inspect samples for ``spec`` (see module docstring); ``path`` reads a local copy."""
    questions = load_questions(spec, n, seed, path, revision)
    return MemoryDataset([q.to_sample() for q in questions], name=spec)
