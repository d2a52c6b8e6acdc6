"""What every faithfulness solver shares: the sample's typed view, its prompts, and how to
force an answer or continue reasoning for *this* sample with *this* model."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageUser, GenerateConfig, Model
from inspect_ai.solver import TaskState

from cot_harness.core.answers import Extraction, extract_answer
from cot_harness.core.prompts import AnswerFormat, user_prompt
from cot_harness.solvers.cot import CoT
from cot_harness.solvers.forcing import Forced, Strategy, continue_reasoning, force_answer, resolve_strategy


@dataclass(frozen=True)
class SampleView:
    """The fields of a harness sample that solvers and scorers read (see cot_harness.loaders.common)."""

    question_id: str
    question_text: str
    question: str
    answer_format: AnswerFormat
    letters: list[str]
    target: str
    builtin: dict[str, Any] | None = None
    options: tuple[str, ...] = ()

    @staticmethod
    def of(state: TaskState) -> SampleView:
        metadata = state.metadata
        missing = [k for k in ("answer_format", "letters", "question") if k not in metadata]
        if missing:
            raise ValueError(
                f"sample {state.sample_id} lacks harness metadata {missing}; load data with cot_harness.loaders.load_dataset"
            )
        return SampleView(
            question_id=str(metadata.get("question_id", state.sample_id)),
            question_text=state.input_text,
            question=metadata["question"],
            answer_format=metadata["answer_format"],
            letters=list(metadata["letters"]),
            target=state.target.text,
            builtin=metadata.get("builtin"),
            options=tuple(str(o) for o in metadata.get("options") or ()),
        )

    def chat(self, cot: bool) -> list[ChatMessage]:
        return [ChatMessageUser(content=user_prompt(self.question_text, self.answer_format, cot=cot))]

    def read(self, text: str, answer_only: bool = False, truncated: bool = False) -> Extraction:
        """What ``text`` commits to, with its outcome (``cot_harness.core.answers``)."""
        return extract_answer(text, self.answer_format, self.letters, self.options,
                              answer_only=answer_only, truncated=truncated)

    @property
    def modulus(self) -> int | None:
        return int(self.builtin["modulus"]) if self.builtin else None


@dataclass
class Forcer:
    """Forces answers / continues reasoning for one sample, recording the strategy used."""

    model: Model
    view: SampleView
    cot: CoT
    requested: str = "auto"
    max_continuation_tokens: int = 512
    config: GenerateConfig = field(default_factory=GenerateConfig)

    @property
    def strategy(self) -> Strategy:
        return resolve_strategy(self.model, self.requested, reasoning=self.cot.source == "reasoning")

    async def answer_after(self, reasoning_prefix: str) -> Forced:
        chat = self.view.chat(cot=True)
        prefix = self.cot.for_forcing(reasoning_prefix) if reasoning_prefix.strip() else ""
        return await force_answer(
            self.model, chat, prefix, self.view.answer_format, self.view.letters, self.strategy, self.config,
            list(self.view.options),
        )

    async def answers_after(self, prefixes: list[str]) -> list[Forced]:
        return list(await asyncio.gather(*(self.answer_after(p) for p in prefixes)))

    async def continue_after(self, reasoning_prefix: str) -> str:
        """The reasoning written after ``reasoning_prefix`` (inside a thinking block: up to its close;
        the answer is forced separately)."""
        written = await continue_reasoning(
            self.model,
            self.view.chat(cot=True),
            self.cot.for_continuation(reasoning_prefix),
            self.strategy,
            self.max_continuation_tokens,
            self.config,
        )
        return written.split("</think>")[0].rstrip() if self.cot.source == "think" else written


def spread(n: int, limit: int | None, must: tuple[int, ...] = ()) -> list[int]:
    """Up to ``limit`` evenly spaced integers from 0..n (always 0, n and ``must``)."""
    if limit is None or n + 1 <= limit:
        return list(range(n + 1))
    chosen = {round(i * n / (limit - 1)) for i in range(limit)} | {0, n} | set(must)
    return sorted(k for k in chosen if 0 <= k <= n)
