"""Solvers for the Lanham et al. 2023 tests and the no-CoT baseline.

Pattern (``../shared`` design sketch, docs/metrics.md): generate a CoT, intervene on it, force an answer, compare. Each
solver stores one record per sample under its own key in ``state.store`` (visible in
``inspect view``): the prefixes, edits, continuations and forced answers, so every number
can be audited; the matching scorer in ``cot_harness.scorers.faithfulness`` turns it into metrics.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, Literal

from inspect_ai.model import ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from cot_harness.core.answers import trajectory
from cot_harness.core.defaults import Forcing
from cot_harness.core.interventions import builtin_mistake, builtin_paraphrase, filler_text_async, parse_step
from cot_harness.core.steps import SplitCoT, split_steps
from cot_harness.providers.access import local_lm
from cot_harness.solvers.context import Forcer, SampleView, spread
from cot_harness.solvers.cot import CoT, extract_cot
from cot_harness.solvers.fast_prefix import FastStats
from cot_harness.solvers.fast_prefix import answers_after as fast_answers_after
from cot_harness.solvers.perturb import model_mistake, model_paraphrase
from cot_harness.solvers.records import RECORDS, CotVsNoCot, EarlyAnswering, FillerTokens, TrajectoryCheck

EditMode = Literal["auto", "rule", "model"]


async def generate_cot(state: TaskState, generate: Generate, view: SampleView) -> tuple[TaskState, CoT]:
    """The model's own CoT for the question (the main conversation shown in the log)."""
    state.messages = view.chat(cot=True)
    state = await generate(state)
    cot = extract_cot(state.output)
    check = trajectory(cot.text, view.answer_format, view.letters, view.options,
                       final_text=None if cot.source == "text" else cot.after)
    TrajectoryCheck(outcome=check.outcome, body=check.body, final=check.final, cot_source=cot.source).write(state)
    return state, cot


def stated(view: SampleView, cot: CoT, state: TaskState) -> dict[str, Any]:
    """The answer the model's own CoT commits to, with its outcome and the rule that read it."""
    found = view.read(cot.answer_text, truncated=state.output.stop_reason == "max_tokens")
    return {"stated_answer": found.answer, "stated_outcome": found.outcome, "stated_rule": found.rule}


def cot_tokens(output: ModelOutput, cot: CoT) -> dict[str, int | None]:
    """Tokens of the model's own CoT generation, split into thinking and answer: a reasoning API's
    ``reasoning_tokens``, or a ``<think>`` block counted with the local model's tokenizer (None
    where neither is known)."""
    usage = output.usage
    total = usage.output_tokens if usage else None
    if cot.source == "text":
        return {"thinking": 0, "answer": total}
    if usage is not None and usage.reasoning_tokens is not None:
        return {"thinking": usage.reasoning_tokens, "answer": None if total is None else total - usage.reasoning_tokens}
    local = local_lm(get_model())
    if local is None:
        return {"thinking": None, "answer": None}
    thinking = local.count_tokens(cot.text)
    return {"thinking": thinking, "answer": None if total is None else max(0, total - thinking)}


def _forcer(state: TaskState, view: SampleView, cot: CoT, forcing: str, max_tokens: int) -> Forcer:
    return Forcer(get_model(), view, cot, forcing, max_continuation_tokens=max_tokens)


def recorded_strategy(strategy: str, cot: CoT) -> str:
    """The strategy as recorded: a prefill inside a thinking block (``<think>`` reasoning models,
    the CoT edited in the thinking channel, the block closed, then the answer forced) is
    ``prefill-in-thinking`` (``prefill-fast-in-thinking``), so it is never read as the same method."""
    return f"{strategy}-in-thinking" if cot.source == "think" and strategy.startswith("prefill") else strategy


def edited_channel(cot: CoT) -> str:
    return "answer" if cot.source == "text" else "thinking"


def _base_record(state: TaskState, view: SampleView, cot: CoT, forcer: Forcer) -> dict[str, Any]:
    return {"cot_source": cot.source, "edited_channel": edited_channel(cot), "cot_token_split": cot_tokens(state.output, cot),
            "strategy": recorded_strategy(forcer.strategy, cot), **stated(view, cot, state), "cot": cot.text}


@solver
def cot_vs_no_cot_solver() -> Solver:
    """Answer each question with CoT and directly (the no-CoT baseline)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        view = SampleView.of(state)
        (state, cot), no_cot = await asyncio.gather(generate_cot(state, generate, view),
                                                    get_model().generate(view.chat(cot=False)))
        own = stated(view, cot, state)
        direct_read = view.read(no_cot.completion, answer_only=True, truncated=no_cot.stop_reason == "max_tokens")
        CotVsNoCot(cot_source=cot.source, cot_answer=own["stated_answer"], cot_outcome=own["stated_outcome"],
                   cot_rule=own["stated_rule"], no_cot_answer=direct_read.answer, no_cot_outcome=direct_read.outcome,
                   no_cot_rule=direct_read.rule, no_cot_text=no_cot.completion).write(state)
        return state

    return solve


@solver
def early_answering_solver(forcing: Forcing = "auto", max_points: int | None = 12, fast_path: bool = True) -> Solver:
    """Force an answer after the first k reasoning steps of the model's CoT, k = 0..m (Lanham §2.1).

    The model's own closing answer sentence is not a step: as in the paper, the reference is
    the answer elicited right after the complete reasoning (k = m), and the stated answer is
    compared with it separately (``stated_matches_forced``)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        view = SampleView.of(state)
        state, cot = await generate_cot(state, generate, view)
        split = cot.split
        forcer = _forcer(state, view, cot, forcing, 0)
        m = split.n_reasoning_steps
        points = spread(m, max_points) if m else []
        stats = FastStats()
        forced, strategy = await fast_answers_after(forcer, [split.prefix(k) for k in points], fast_path, stats)
        record = _base_record(state, view, cot, forcer) | {
            "strategy": recorded_strategy(strategy, cot),
            "fast_path": asdict(stats) if strategy == "prefill-fast" else None,
            "n_steps": m,
            "answer_sentence": split.answer_sentence_index is not None,
            "points": points,
            "prefixes": [split.prefix(k) for k in points],
            "forced": [f.as_dict() for f in forced],
        }
        EarlyAnswering(**record).write(state)
        return state

    return solve


async def _mistake(
    step: str, view: SampleView, mode: EditMode, rng: random.Random
) -> tuple[str | None, str]:
    if mode != "model" and view.modulus and parse_step(step):
        return builtin_mistake(step, view.modulus, rng), "rule"
    if mode == "rule":
        return None, "rule"
    return await model_mistake(get_model(role="perturber"), view.question, step), "model"


async def _paraphrase(split: SplitCoT, i: int, view: SampleView, mode: EditMode) -> tuple[str | None, str]:
    steps = split.steps[:i]
    if mode != "model" and view.modulus and all(parse_step(s) for s in steps):
        return split.rewrite_prefix(i, lambda s: builtin_paraphrase(s) or s), "rule"
    if mode == "rule":
        return None, "rule"
    return await model_paraphrase(get_model(role="paraphraser"), split.prefix(i)), "model"


def _repaired(original: str, edited: str, continuation: str) -> bool | None:
    """Built-in chains: did the next step start from the *original* result (a repair)?"""
    before, after = parse_step(original), parse_step(edited)
    following = split_steps(continuation.strip()).steps
    nxt = parse_step(following[0]) if following else None
    if before is None or after is None or nxt is None:
        return None
    return nxt.a == before.b and before.b != after.b


async def _reasoning_answer(forcer: Forcer, full_text: str) -> tuple[str, Any]:
    split = split_steps(full_text)
    reasoning = split.prefix(split.n_reasoning_steps)
    return reasoning, await forcer.answer_after(reasoning)


Trial = Callable[[int], Awaitable[dict[str, Any]]]


async def _edit_and_continue(
    state: TaskState, generate: Generate, key: str, forcing: str, max_tokens: int, max_positions: int | None,
    make_trial: Callable[[SampleView, SplitCoT, Forcer, int], Trial],
) -> TaskState:
    """Shared frame of the edit tests: the model's CoT, the reference answer after its full
    reasoning, then one trial per edit position (1..m), all stored under ``key``."""
    view = SampleView.of(state)
    state, cot = await generate_cot(state, generate, view)
    split = cot.split
    forcer = _forcer(state, view, cot, forcing, max_tokens)
    m = split.n_reasoning_steps
    record = _base_record(state, view, cot, forcer) | {"n_steps": m, "trials": []}
    if m > 0:
        record["reference"] = (await forcer.answer_after(split.prefix(m))).as_dict()
        trial = make_trial(view, split, forcer, m)
        positions = [p for p in spread(m, max_positions) if p >= 1]
        record["trials"] = list(await asyncio.gather(*(trial(i) for i in positions)))
    RECORDS[key](**record).write(state)
    return state


@solver
def adding_mistakes_solver(
    forcing: Forcing = "auto", max_positions: int | None = 8, edit_mode: EditMode = "auto",
    max_tokens: int = 512, seed: int = 0,
) -> Solver:
    """Replace step i with a mistaken one, let the model continue, force the answer (Lanham §2.2)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        def make_trial(view: SampleView, split: SplitCoT, forcer: Forcer, m: int) -> Trial:
            async def trial(i: int) -> dict[str, Any]:
                rng = random.Random(f"mistake:{seed}:{state.sample_id}:{state.epoch}:{i}")
                original = split.steps[i - 1]
                edited, method = await _mistake(original, view, edit_mode, rng)
                if edited is None:
                    return {"position": i, "method": method, "edited_step": None}
                head = split.replace_step(i - 1, edited)
                continuation = await forcer.continue_after(head)
                reasoning, forced = await _reasoning_answer(forcer, head + continuation)
                return {
                    "position": i, "method": method, "original_step": original, "edited_step": edited,
                    "continuation": continuation, "reasoning": reasoning, "forced": forced.as_dict(),
                    "repaired": _repaired(original, edited, continuation),
                }

            return trial

        return await _edit_and_continue(state, generate, "adding_mistakes", forcing, max_tokens, max_positions,
                                        make_trial)

    return solve


@solver
def paraphrasing_solver(
    forcing: Forcing = "auto", max_positions: int | None = 8, edit_mode: EditMode = "auto", max_tokens: int = 512
) -> Solver:
    """Paraphrase the first i steps (question-blind), let the model continue, force (Lanham §2.4)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        def make_trial(view: SampleView, split: SplitCoT, forcer: Forcer, m: int) -> Trial:
            async def trial(i: int) -> dict[str, Any]:
                paraphrased, method = await _paraphrase(split, i, view, edit_mode)
                if paraphrased is None:
                    return {"position": i, "method": method, "paraphrased": None}
                continuation = await forcer.continue_after(paraphrased) if i < m else ""
                reasoning, forced = await _reasoning_answer(forcer, paraphrased + continuation)
                return {
                    "position": i, "method": method, "paraphrased": paraphrased,
                    "continuation": continuation, "reasoning": reasoning, "forced": forced.as_dict(),
                }

            return trial

        return await _edit_and_continue(state, generate, "paraphrasing", forcing, max_tokens, max_positions,
                                        make_trial)

    return solve


async def count_tokens(text: str) -> int:
    """Tokens of ``text`` for the evaluated model (its own tokenizer for HF models)."""
    model = get_model()
    local = local_lm(model)
    if local is not None:
        return local.count_tokens(text)
    try:
        return int(await model.count_tokens(text))
    except Exception:  # providers without a counter: ~4 characters per token
        return max(1, len(text) // 4)


@solver
def filler_tokens_solver(forcing: Forcing = "auto", lengths: tuple[int, ...] = (8, 32, 128)) -> Solver:
    """Replace the CoT by filler (" ...") of the same token length and of fixed lengths."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        view = SampleView.of(state)
        state, cot = await generate_cot(state, generate, view)
        split = cot.split
        forcer = _forcer(state, view, cot, forcing, 0)
        reasoning = split.prefix(split.n_reasoning_steps)
        matched = await count_tokens(reasoning) if reasoning else 0
        conditions: dict[str, int] = {"matched": matched, **{str(n): n for n in lengths}}
        fillers = {name: await filler_text_async(n, count_tokens) for name, n in conditions.items()}
        prefixes = {"no_cot": "", "cot": reasoning, **{f"filler_{k}": v for k, v in fillers.items()}}
        forced = await forcer.answers_after(list(prefixes.values()))
        record = _base_record(state, view, cot, forcer) | {
            "cot_tokens": matched,
            "conditions": {
                name: {"prefix_chars": len(text), "forced": f.as_dict()}
                for (name, text), f in zip(prefixes.items(), forced)
            },
            "filler_tokens": {k: await count_tokens(v) for k, v in fillers.items()},
        }
        FillerTokens(**record).write(state)
        return state

    return solve
