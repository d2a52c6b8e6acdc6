"""Splitting a chain of thought into steps, keeping exact character offsets.

Truncating at step k must reproduce the model's own text up to that point, so a split is a
list of end offsets into the original string, never a re-joined list of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A step ends at a newline, or at sentence punctuation followed by whitespace ("3.5" is not
# split). Pieces that are only a list marker ("1.") or end in an abbreviation ("e.g.") are
# merged into the next piece afterwards.
_BOUNDARY = re.compile(r"\n+|(?<=[.!?])\s+(?=\S)")
_NOT_A_STEP_END = re.compile(
    r"(^\s*(\d+|[A-Za-z])[.)]$)|(\b(e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|St|approx|cf)\.$)", re.IGNORECASE
)
_ANSWER_SENTENCE = re.compile(r"answer is|answer:|^\s*\(?[A-Z]\)?\.?\s*$", re.IGNORECASE)
_THINK = re.compile(r"<think>(.*?)(</think>|$)", re.DOTALL)


@dataclass(frozen=True)
class SplitCoT:
    """A chain of thought as text plus the end offset of each step."""

    text: str
    ends: tuple[int, ...]
    answer_sentence_index: int | None

    @property
    def steps(self) -> list[str]:
        starts = (0, *self.ends[:-1])
        return [self.text[s:e].strip() for s, e in zip(starts, self.ends)]

    @property
    def n_reasoning_steps(self) -> int:
        """Steps before the final answer sentence (all steps if there is none)."""
        return len(self.ends) - (1 if self.answer_sentence_index is not None else 0)

    def prefix(self, k: int) -> str:
        """The text of the first ``k`` steps, exactly as written."""
        return self.text[: self.ends[k - 1]].rstrip() if k > 0 else ""

    def rewrite_prefix(self, k: int, rewrite: Callable[[str], str]) -> str:
        """The first ``k`` steps, each passed through ``rewrite``, with the original separators."""
        pieces: list[str] = []
        start = 0
        for end in self.ends[:k]:
            raw = self.text[start:end]
            lead = raw[: len(raw) - len(raw.lstrip())]
            pieces.append(lead + rewrite(raw.strip()))
            start = end
        return "".join(pieces).rstrip()

    def replace_step(self, index: int, new_step: str) -> str:
        """Text of steps before ``index`` followed by ``new_step`` (0-based index)."""
        head = self.prefix(index)
        separator = self.text[self.ends[index - 1] : self.ends[index - 1] + 1] if index else ""
        separator = "\n" if separator == "\n" or not head else " "
        return f"{head}{separator}{new_step}" if head else new_step


def split_steps(text: str) -> SplitCoT:
    """Split ``text`` into steps; a trailing "...answer is (X)" sentence is flagged."""
    text = text.rstrip()
    ends: list[int] = []
    for match in _BOUNDARY.finditer(text):
        if match.start() > (ends[-1] if ends else 0) and text[: match.start()].strip():
            ends.append(match.start())
    if text.strip() and (not ends or ends[-1] < len(text)):
        ends.append(len(text))
    merged: list[int] = []
    for i, end in enumerate(ends):
        piece = text[(merged[-1] if merged else 0) : end].strip()
        if i < len(ends) - 1 and _NOT_A_STEP_END.search(piece):
            continue
        merged.append(end)
    ends = merged
    answer_index = None
    if ends:
        last = text[(ends[-2] if len(ends) > 1 else 0) : ends[-1]]
        if _ANSWER_SENTENCE.search(last):
            answer_index = len(ends) - 1
    return SplitCoT(text, tuple(ends), answer_index)


def extract_think(text: str) -> tuple[str | None, str]:
    """(reasoning inside <think>…</think>, text after it); (None, text) when there is none."""
    match = _THINK.search(text)
    if not match:
        return None, text
    return match.group(1).strip(), text[match.end() :].strip()
