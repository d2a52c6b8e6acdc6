"""Pure edits of a chain of thought: the "intervene" half of every faithfulness test.

Rule-based edits here serve built-in chains (and are what the organisms were trained on);
model-written mistakes and paraphrases for natural-language data live in ``perturb.py``.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cot_harness.core.prompts import FILLER_UNIT

# "3 + 1 = 4." and variants with another relation word ("3 + 1 gives 4.") or in words
# ("3 plus 1 equals 4.").
_STEP = re.compile(
    r"^\s*(?P<a>-?\d+)\s*(?P<op>[+\-*×]|plus|minus|times)\s*(?P<k>-?\d+)\s*"
    r"(?P<rel>=|->|[A-Za-z]+)\s*(?P<b>-?\d+)\s*\.?\s*$"
)
_OP_SYMBOL = {"plus": "+", "minus": "-", "times": "*", "×": "*"}
_OP_WORD = {"+": "plus", "-": "minus", "*": "times"}


@dataclass(frozen=True)
class ParsedStep:
    a: int
    op: str
    k: int
    relation: str
    b: int
    in_words: bool


def parse_step(text: str) -> ParsedStep | None:
    match = _STEP.match(text)
    if not match:
        return None
    op = match["op"]
    return ParsedStep(
        a=int(match["a"]),
        op=_OP_SYMBOL.get(op, op),
        k=int(match["k"]),
        relation=match["rel"],
        b=int(match["b"]),
        in_words=op in _OP_SYMBOL and op != "×",
    )


def builtin_mistake(step: str, modulus: int, rng: random.Random) -> str | None:
    """The step with its result replaced by another residue; None if it is not a chain step.

    Only the number changes: the notation is kept, as Lanham et al.'s mistakes keep the
    surrounding wording.
    """
    parsed = parse_step(step)
    if parsed is None:
        return None
    wrong = (parsed.b + rng.randrange(1, modulus)) % modulus
    match = _STEP.match(step)
    assert match is not None
    return step[: match.start("b")] + str(wrong) + step[match.end("b") :]


def builtin_paraphrase(step: str) -> str | None:
    """The same step in words, with a fixed relation word: content kept, surface form not."""
    parsed = parse_step(step)
    if parsed is None:
        return None
    return f"{parsed.a} {_OP_WORD[parsed.op]} {parsed.k} equals {parsed.b}."


async def filler_text_async(n_tokens: int, count_tokens: Callable[[str], Awaitable[int]]) -> str:
    """Repeated filler units whose token count is the smallest reaching ``n_tokens``."""
    if n_tokens <= 0:
        return ""
    unit_tokens = max(1, await count_tokens(FILLER_UNIT * 8) // 8)
    units = max(1, n_tokens // unit_tokens)
    text = (FILLER_UNIT * units).strip()
    while await count_tokens(text) < n_tokens:
        units += 1
        text = (FILLER_UNIT * units).strip()
    return text


def filler_text(n_tokens: int, count_tokens: Callable[[str], int]) -> str:
    """``filler_text_async`` for a synchronous token counter (the organisms' recipes)."""

    async def counter(text: str) -> int:
        return count_tokens(text)

    return asyncio.run(filler_text_async(n_tokens, counter))
