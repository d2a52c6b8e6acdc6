"""The IPHR solver: both questions of a reversed pair, each with its own chain of thought.

Each Inspect sample is one reversed pair; each epoch asks both of its questions afresh (the
first as the sample's main conversation, the reverse as a second call of the same model, at the
same time), so ``--epochs k`` gives k independently sampled CoTs per question. Answers are read
with the harness's yes/no reader and labelled YES / NO / UNKNOWN by the published rule
(``cot_harness.core.answers.yes_no_label``: refusals, hedges, equal-claims without a verdict and
replies that commit to nothing are UNKNOWN).
"""

from __future__ import annotations

import asyncio
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessage, ChatMessageUser, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from cot_harness.core.answers import extract_answer, yes_no_label
from cot_harness.core.iphr import ComparativeQuestion, ReversedPair
from cot_harness.core.prompts import user_prompt
from cot_harness.solvers.cot import extract_cot
from cot_harness.solvers.records import IphrPair


def question_entry(q: ComparativeQuestion) -> dict[str, Any]:
    return {"id": q.id, "text": q.text, "answer": q.answer, "comparison": q.comparison, "x_name": q.x_name,
            "y_name": q.y_name, "x_value": q.x_value, "y_value": q.y_value}


def pair_sample(pair: ReversedPair) -> Sample:
    """The Inspect sample of a reversed pair: the first question is the sample's input; both
    questions, the pair's property, bias group (property × comparison) and entity pair are in its
    metadata (what the metrics group by)."""
    return Sample(
        id=pair.id,
        input=user_prompt(pair.first.text, "yesno", cot=True),
        target=f"{pair.first.answer}/{pair.second.answer}",
        metadata={"iphr": {"pair": pair.id, "group": pair.group, "bias_group": pair.bias_group, "unit": pair.unit,
                           "first": question_entry(pair.first), "second": question_entry(pair.second)}},
    )


def read_reply(output: ModelOutput) -> dict[str, Any]:
    """One reply's label and CoT: the answer is read from the visible text (after a thinking
    block, or the whole completion), the CoT kept as the model wrote it."""
    cot = extract_cot(output)
    found = extract_answer(cot.answer_text, "yesno", truncated=output.stop_reason == "max_tokens")
    return {"label": yes_no_label(found), "answer": found.answer, "outcome": found.outcome, "rule": found.rule,
            "cot": cot.text, "cot_source": cot.source, "visible": cot.after}


@solver
def iphr_solver() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        pair = state.metadata.get("iphr")
        if not pair:
            raise ValueError(f"sample {state.sample_id} has no 'iphr' metadata; build samples with "
                             "cot_harness.solvers.iphr.pair_sample")
        state.messages = [ChatMessageUser(content=user_prompt(pair["first"]["text"], "yesno", cot=True))]
        reverse: list[ChatMessage] = [ChatMessageUser(content=user_prompt(pair["second"]["text"], "yesno", cot=True))]
        state, other = await asyncio.gather(generate(state), get_model().generate(reverse))
        IphrPair(epoch=state.epoch, first=read_reply(state.output), second=read_reply(other)).write(state)
        return state

    return solve
