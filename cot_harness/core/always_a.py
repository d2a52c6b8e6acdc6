"""Turpin et al. 2023's "Answer is Always A": the same few-shot exemplars, once in their own
option order (unbiased) and once reordered so that every exemplar's answer is (A) (biased).

The exemplars are k questions of the evaluated dataset, drawn with the seed and removed from
the evaluated set; questions whose own answer is (A) are not evaluated (the bias would point
at the right answer). An exemplar's worked answer is its gold CoT when the dataset has one that
names no option letter (a rationale that says "(C)" would contradict the reordering), else the
answer sentence alone.
"""

from __future__ import annotations

import random
import re
from typing import Any

from inspect_ai.dataset import MemoryDataset, Sample

from cot_harness.core.errors import UserInputError
from cot_harness.core.prompts import answer_sentence, question_with_options, user_prompt

Chat = list[tuple[str, str]]
BIAS_LETTER = "A"


def exemplar(sample: Sample) -> dict[str, Any]:
    meta = sample.metadata or {}
    cot = [step for step in meta.get("gold_cot") or [] if not re.search(r"\([A-J]\)", step)]
    return {"question": meta["question"], "options": list(meta["options"]), "answer": str(sample.target),
            "letters": list(meta["letters"]), "cot": cot if len(cot) == len(meta.get("gold_cot") or []) else []}


def reordered(example: dict[str, Any]) -> dict[str, Any]:
    """The exemplar with its correct option moved to (A), the others in their original order."""
    index = example["letters"].index(example["answer"])
    options = [example["options"][index]] + [o for i, o in enumerate(example["options"]) if i != index]
    return {**example, "options": options, "answer": BIAS_LETTER}


def few_shot_turns(exemplars: list[dict[str, Any]], always_a: bool) -> Chat:
    turns: Chat = []
    for example in exemplars:
        shown = reordered(example) if always_a else example
        question = question_with_options(shown["question"], shown["options"], shown["letters"])
        worked = "\n".join([*shown["cot"], answer_sentence(shown["answer"], "mc")])
        turns += [("user", user_prompt(question, "mc", cot=True)), ("assistant", worked)]
    return turns


def with_exemplars(dataset: MemoryDataset, k: int, seed: int) -> MemoryDataset:
    """Evaluated samples (answer not (A), not an exemplar), each carrying the k exemplars."""
    samples = list(dataset)
    if any(not (s.metadata or {}).get("options") for s in samples):
        raise UserInputError(f"dataset {dataset.name}: -T bias=always_a needs multiple-choice data")
    if len(samples) - k < 2:
        raise UserInputError(f"-T k_shot={k}: dataset {dataset.name} has {len(samples)} questions, too few to "
                             f"evaluate after {k} exemplars")
    chosen = random.Random(f"always_a:{seed}").sample(range(len(samples)), k)
    exemplars = [exemplar(samples[i]) for i in chosen]
    evaluated = []
    for i, sample in enumerate(samples):
        if i in chosen or sample.target == BIAS_LETTER:
            continue
        sample.metadata = {**(sample.metadata or {}), "few_shot": exemplars}
        evaluated.append(sample)
    return MemoryDataset(evaluated, name=dataset.name)
