"""CoT predictiveness and hidden influences.

* ``cot_predictiveness`` — does the CoT (final answer removed) let a predictor (role
  ``predictor``; default: the model predicting itself) guess the model's answer better than
  the question alone? Lift, normalised lift, information gain in bits. Predictiveness is not
  causal dependence: a post-hoc CoT can predict its answer perfectly (docs/metrics.md).
* ``biased_context`` — Turpin et al. 2023's "Suggested Answer" bias towards a wrong option.
* ``hint_verbalization`` — Chen et al. 2025's paired design over six hint kinds.

Verbalisation is judged by the ``judge`` role when one is bound
(``--model-role judge=openai/gpt-4o``); the keyword estimate is always reported beside it,
and alone when no judge is given (the ``*_judge`` metrics are then NaN).

    inspect eval tasks/hidden_influences.py --model organism/hint_user
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from inspect_ai import Task, task
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from cot_harness.core.always_a import with_exemplars
from cot_harness.core.defaults import DEFAULT_MAX_TOKENS, DEFAULT_N, Forcing
from cot_harness.core.descriptors import BarFigure, Descriptor, headline, hint_headlines
from cot_harness.core.errors import UserInputError
from cot_harness.core.hints import HINT_TYPES
from cot_harness.scorers.hidden import cot_predictiveness_scorer, hint_scorer
from cot_harness.solvers.hidden import always_a_solver, cot_predictiveness_solver, hinted_solver
from cot_harness.solvers.judging import load_template
from cot_harness.solvers.params import integer, one_of
from cot_harness.solvers.suite import DataArgs, check_forcing, suite_task

HINT_BARS = BarFigure("hint_verbalisation", r".*_(switched|verbalised_keyword|verbalised_judge)",
                      "Hints: switch rate and verbalisation among switched, per hint type",
                      "A faithful model that follows a hint says so: verbalisation near 1 wherever the switch "
                      "rate is above 0.")
# Hint headlines depend on the hint kinds a run uses: the tasks fill them in (``hint_headlines``).
DESCRIPTORS = {d.test: d for d in (
    Descriptor("cot_predictiveness", "hidden_influences", 20, 3, [headline(
        "lift", "Predictiveness lift", "how much the CoT (answer removed) improves predicting the model's answer; "
        "a post-hoc CoT can score high too", ["predicted_with_cot", "predicted_without_cot"])],
        (BarFigure("predictiveness", r"predicted_with_cot|predicted_without_cot|lift",
                   "CoT predictiveness: prediction accuracy and lift",
                   "An informative CoT predicts the answer better than the question alone (lift > 0); a post-hoc "
                   "CoT can too, so read it beside the causal tests."),)),
    Descriptor("biased_context", "hidden_influences", 21, 2, bars=(HINT_BARS,)),
    Descriptor("hint_verbalization", "hidden_influences", 22, 7, bars=(HINT_BARS,)),
)}


def _task(name: str, data: DataArgs, max_tokens: int, solver: Solver, scorer: Scorer,
          hint_kinds: tuple[str, ...] = ()) -> Task:
    roles = {"cot_predictiveness": ("predictor",)}.get(name, ("judge",))
    descriptor = DESCRIPTORS[name]
    if hint_kinds:
        descriptor = replace(descriptor, headlines=hint_headlines(hint_kinds))
    return suite_task(descriptor, data, max_tokens, solver, scorer, roles)


def _kinds(hint_types: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in hint_types.split(",") if k.strip())
    unknown = [k for k in kinds if k not in HINT_TYPES + ("suggested_answer",)]
    if unknown or not kinds:
        raise UserInputError(f"-T hint_types={hint_types!r}: unknown hint type(s) {unknown}; choose from "
                             f"{', '.join(HINT_TYPES)}, suggested_answer")
    return kinds


@task
def cot_predictiveness(
    dataset: str = "builtin", n: int | None = DEFAULT_N, seed: int = 0, forcing: Forcing = "auto", max_tokens: int = DEFAULT_MAX_TOKENS,
    path: str | None = None, revision: str | None = None, answer_index: int | None = None,
) -> Task:
    """Prediction accuracy of the model's answer with and without its CoT; lift with paired CI."""
    return _task("cot_predictiveness", DataArgs(dataset, n, seed, path, revision, answer_index), max_tokens,
                 cot_predictiveness_solver(check_forcing(forcing)), cot_predictiveness_scorer())


@task
def biased_context(dataset: str = "builtin", n: int | None = DEFAULT_N, seed: int = 0, max_tokens: int = DEFAULT_MAX_TOKENS,
                   bias: Literal["suggested_answer", "always_a"] = "suggested_answer", k_shot: int = 3, path: str | None = None,
                   revision: str | None = None, answer_index: int | None = None,
                   judge_template: str | None = None) -> Task:
    """Turpin et al.'s biasing features: ``bias=suggested_answer`` ("I think the answer is (X)",
    X a wrong option) or ``bias=always_a`` (``k_shot`` exemplars reordered so every answer is
    (A); questions whose answer is (A) are left out). Accuracy unbiased vs biased, % of answers
    moved to the bias target, % of moved answers whose CoT mentions the bias. ``judge_template``:
    a shipped judge prompt's name or a file (default ``hint_chen``)."""
    template = load_template(judge_template, "hint")
    if bias == "suggested_answer":
        kinds: tuple[str, ...] = ("suggested_answer",)
        task = _task("biased_context", DataArgs(dataset, n, seed, path, revision, answer_index), max_tokens,
                     hinted_solver(kinds, seed), hint_scorer(kinds, judge_template), kinds)
        task.metadata = {**(task.metadata or {}), **template.log_entry()}
        return task
    one_of("bias", bias, ("suggested_answer", "always_a"))
    k_shot = integer("k_shot", k_shot, minimum=1)
    data = DataArgs(dataset, None if n is None else n + k_shot, seed, path, revision, answer_index)
    task = _task("biased_context", data, max_tokens, always_a_solver(), hint_scorer(("always_a",), judge_template),
                 ("always_a",))
    task.dataset = with_exemplars(task.dataset, k_shot, seed)  # type: ignore[arg-type]
    task.metadata = {**(task.metadata or {}), "bias": bias, "k_shot": k_shot, **template.log_entry()}
    return task


@task
def hint_verbalization(
    dataset: str = "builtin", n: int | None = DEFAULT_N, seed: int = 0, hint_types: str = ",".join(HINT_TYPES),
    max_tokens: int = DEFAULT_MAX_TOKENS, path: str | None = None, revision: str | None = None, answer_index: int | None = None,
    judge_template: str | None = None,
) -> Task:
    """Chen et al.'s paired hint test: per hint kind, switch rate and normalised verbalisation.
    ``judge_template``: the verbalisation judge's prompt, a shipped name (``hint_chen``, the
    default; ``hint_strict``) or a file with the fields ``{cot}``, ``{question}``, ``{letter}``,
    ``{description}``."""
    kinds = _kinds(hint_types)
    template = load_template(judge_template, "hint")
    task = _task("hint_verbalization", DataArgs(dataset, n, seed, path, revision, answer_index), max_tokens,
                 hinted_solver(kinds, seed), hint_scorer(kinds, judge_template), kinds)
    task.metadata = {**(task.metadata or {}), **template.log_entry()}
    return task
