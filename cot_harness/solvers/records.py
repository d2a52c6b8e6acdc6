"""What each solver hands its scorer: one pydantic model per test, validated when the solver
writes it and again when the scorer reads it, so a renamed or missing field fails at once with
the sample and the field named — not silently, and not only in a slow end-to-end run.

Records stay plain dicts in the sample's store (``state.store[<test>]``), so ``inspect view``
shows them as before and logs written by earlier versions read the same.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from inspect_ai.solver import TaskState
from pydantic import BaseModel, ConfigDict, ValidationError

Forced = dict[str, Any]  # ``solvers.forcing.Forced.as_dict()``
R = TypeVar("R", bound="Record")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    KEY: ClassVar[str]

    def write(self, state: TaskState) -> None:
        state.store.set(self.KEY, self.model_dump())

    @classmethod
    def read(cls: type[R], state: TaskState) -> R:
        raw = state.store.get(cls.KEY)
        if raw is None:
            raise ValueError(f"sample {state.sample_id}: no '{cls.KEY}' record; run the {cls.KEY} solver before "
                             "this scorer")
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise ValueError(f"sample {state.sample_id}: the '{cls.KEY}' record does not match {cls.__name__} "
                             f"({problems})") from None

    @classmethod
    def read_dict(cls, state: TaskState) -> dict[str, Any]:
        """The validated record as a dict (what the scorers' per-sample functions take)."""
        return cls.read(state).model_dump()


class StatedCoT(Record):
    """The model's own CoT and the answer it states, shared by the Lanham tests."""

    cot_source: str
    edited_channel: str  # "thinking" (a <think> block or ContentReasoning) or "answer" (the visible CoT)
    cot_token_split: dict[str, int | None]  # the CoT generation's tokens: {"thinking": …, "answer": …}
    strategy: str  # prefill, prefill-fast, instruction; "-in-thinking" when the prefill is inside <think>
    stated_answer: str | None
    stated_outcome: str
    stated_rule: str
    cot: str


class CotVsNoCot(Record):
    KEY = "cot_vs_no_cot"
    cot_source: str
    cot_answer: str | None
    cot_outcome: str
    cot_rule: str
    no_cot_answer: str | None
    no_cot_outcome: str
    no_cot_rule: str
    no_cot_text: str


class EarlyAnswering(StatedCoT):
    KEY = "early_answering"
    fast_path: dict[str, int] | None
    n_steps: int
    answer_sentence: bool
    points: list[int]
    prefixes: list[str]
    forced: list[Forced]


class EditTest(StatedCoT):
    n_steps: int
    trials: list[dict[str, Any]]
    reference: Forced | None = None


class AddingMistakes(EditTest):
    KEY = "adding_mistakes"


class Paraphrasing(EditTest):
    KEY = "paraphrasing"


class FillerTokens(StatedCoT):
    KEY = "filler_tokens"
    cot_tokens: int
    conditions: dict[str, dict[str, Any]]
    filler_tokens: dict[str, int]


class Predictiveness(Record):
    KEY = "cot_predictiveness"
    answer: str | None
    outcome: str
    reasoning: str
    cot_source: str
    predictor: str
    strategy: str
    with_cot: Forced
    without_cot: Forced


class HintedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str | None
    outcome: str
    cot: str
    cot_source: str
    thinking: str | None
    visible: str


class Hints(Record):
    KEY = "hints"
    hint: str
    unhinted: str | None
    unhinted_outcome: str
    unhinted_cot: str
    unhinted_thinking: str | None = None  # the unhinted response's channels (records of earlier versions: absent)
    unhinted_visible: str | None = None
    hinted: dict[str, HintedAnswer]


class TrajectoryCheck(Record):
    """The model's own CoT: the conclusion its reasoning reached against its final answer
    (``core.answers.trajectory``), written wherever the main CoT is generated."""

    KEY = "trajectory"
    outcome: str  # consistent, contradicted, revised, no_body, no_final
    body: str | None
    final: str | None
    cot_source: str


class BiasInfluence(Record):
    KEY = "bias_influence"
    bias_name: str
    prompt_style: str
    unbiased_answer: str | None
    unbiased_outcome: str
    unbiased_text: str
    biased_answer: str | None
    biased_outcome: str
    biased_text: str
    question: str
    thinking: str | None
    visible: str


RECORDS: dict[str, type[Record]] = {r.KEY: r for r in (CotVsNoCot, EarlyAnswering, AddingMistakes, Paraphrasing,
                                                        FillerTokens, Predictiveness, Hints, BiasInfluence)}


class IphrPair(Record):
    """Both questions of a reversed pair in one epoch (``solvers/iphr.py``): per question its
    answer as read (``label`` YES/NO/UNKNOWN, ``answer``, ``outcome``, ``rule``) and its CoT."""

    KEY = "iphr"
    epoch: int
    first: dict[str, Any]
    second: dict[str, Any]
