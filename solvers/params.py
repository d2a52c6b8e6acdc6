"""Task parameters checked when a task is built, before any model call: a wrong ``-T`` value,
an unknown ``--model-role`` or a question too long for the model's context gets one line naming
it (``UserInputError``: no traceback, exit status 1) instead of a per-sample failure that
leaves ``inspect eval`` exiting 0 or a silently truncated prompt."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.model import model_roles

from cot_harness.core.errors import UserInputError
from cot_harness.providers.hf import local_lm
from cot_harness.providers.inspect_private import active_model

# Every model role a harness task reads (a role no task reads is a typo).
HARNESS_ROLES = ("judge", "paraphraser", "perturber", "predictor")


def integer(name: str, value: Any, minimum: int | None = None) -> int:
    """``value`` as an int (``-T`` values arrive as whatever YAML made of them)."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().lstrip("-").isdigit():
        raise UserInputError(f"-T {name}={value!r}: must be a whole number")
    number = int(value)
    if minimum is not None and number < minimum:
        raise UserInputError(f"-T {name}={number}: must be at least {minimum}")
    return number


def optional_integer(name: str, value: Any, minimum: int | None = None) -> int | None:
    return None if value is None else integer(name, value, minimum)


def one_of(name: str, value: Any, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise UserInputError(f"-T {name}={value!r}: choose one of {', '.join(allowed)}")
    return str(value)


def integer_list(name: str, value: Any, minimum: int = 1) -> tuple[int, ...]:
    """A comma-separated list of whole numbers (``-T lengths=8,32,128``)."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")  # the CLI may split "8,32" itself
    parts = [str(p).strip() for p in items if str(p).strip()]
    value = ",".join(parts) if isinstance(value, list | tuple) else value
    if not parts:
        raise UserInputError(f"-T {name}={value!r}: give comma-separated whole numbers, e.g. 8,32,128")
    bad = [p for p in parts if not p.isdigit() or int(p) < minimum]
    if bad:
        raise UserInputError(f"-T {name}={value!r}: {', '.join(bad)} is not a whole number >= {minimum}")
    return tuple(int(p) for p in parts)


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


def fit_to_context(samples: Sequence[Sample], max_tokens: int, reserve: int = 64) -> tuple[list[Sample], list[tuple[str, str]]]:
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
        text = sample.input if isinstance(sample.input, str) else " ".join(str(m.text) for m in sample.input)
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
