"""Task parameters checked when a task is built, before any model call: a wrong ``-T`` value,
an unknown ``--model-role`` or a question too long for the model's context gets one line naming
it (``UserInputError``: no traceback, exit status 1) instead of a per-sample failure that
leaves ``inspect eval`` exiting 0 or a silently truncated prompt."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.model import model_roles

from cot_harness.core.errors import UserInputError
from cot_harness.providers.access import local_lm
from cot_harness.providers.inspect_private import active_model

# Every model role a harness task reads (a role no task reads is a typo).
HARNESS_ROLES = ("judge", "monitor", "paraphraser", "perturber", "predictor")


def check_roles(used: Iterable[str], task: str) -> None:
    """Refuse a bound model role that no harness task reads (``--model-role perturbr=…`` would
    otherwise be ignored and the evaluated model used in its place)."""
    used = sorted(used)
    for role in model_roles():
        if role not in HARNESS_ROLES and not re.fullmatch(r"judge_\d+", role):
            raise UserInputError(
                f"--model-role {role}: no harness task uses this role; roles are {', '.join(HARNESS_ROLES)}"
                " (and further judges judge_2, judge_3, …)"
                f" ({task} uses {', '.join(used) if used else 'none'})")


def context_window() -> tuple[int | None, Any]:
    """The active model's context length and tokenizer, where the harness can know them (HF
    models: their config and tokenizer); (None, None) elsewhere."""
    lm = local_lm(active_model())
    length = lm.context_length() if lm is not None else None
    return (length, lm.tokenizer) if lm is not None and length is not None else (None, None)


def sample_text(sample: Sample) -> str:
    return sample.input if isinstance(sample.input, str) else " ".join(str(m.text) for m in sample.input)


def fit_to_context(samples: Sequence[Sample], max_tokens: int, reserve: int = 64,
                   prompt_text: Callable[[Sample], str] = sample_text) -> tuple[list[Sample], list[tuple[str, str]]]:
    """Samples whose prompt plus ``max_tokens`` (and ``reserve`` tokens for the instruction and
    chat markup) fit the model's context; the others as (id, reason) — reported, never run
    truncated. Refuses a run where nothing fits, or where ``max_tokens`` alone cannot."""
    length, tokenizer = context_window()
    if length is None:
        return list(samples), []
    if max_tokens + reserve >= length:
        raise UserInputError(f"-T max_tokens={max_tokens}: the model's context is {length} tokens; "
                             f"use max_tokens below {length - reserve}")
    kept, rejected = [], []
    for sample in samples:
        text = prompt_text(sample)  # all the model will read: few-shot turns included
        # characters bound tokens from above for these tokenizers: count only when it could matter
        tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"]) if len(text) + max_tokens + reserve > length else 0
        if tokens + max_tokens + reserve > length:
            rejected.append((str(sample.id), f"prompt of {tokens} tokens + max_tokens {max_tokens} does not fit the "
                                             f"model's {length}-token context: not run"))
        else:
            kept.append(sample)
    if not kept:
        raise UserInputError(f"no item fits the model's {length}-token context with max_tokens={max_tokens} "
                             f"(first: {rejected[0][1]})")
    return kept, rejected
