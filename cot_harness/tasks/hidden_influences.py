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
from typing import Annotated, Any, Literal, get_args

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import model_roles
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from cot_harness.core.always_a import few_shot_turns, with_exemplars
from cot_harness.core.defaults import DEFAULT_MAX_TOKENS, DEFAULT_N
from cot_harness.core.descriptors import BarFigure, Descriptor, headline, hint_headlines
from cot_harness.core.errors import UserInputError
from cot_harness.core.hints import HINT_TYPES
from cot_harness.core.parameters import (
    AnswerIndex,
    BadItems,
    Count,
    DatasetName,
    ForcingMode,
    HubPath,
    JudgeTemplateName,
    MaxTokens,
    Param,
    Revision,
    Seed,
    checked_parameters,
)
from cot_harness.scorers.hidden import cot_predictiveness_scorer, hint_scorer
from cot_harness.scorers.monitor import MonitorChannel
from cot_harness.solvers.hidden import HintTarget, always_a_solver, cot_predictiveness_solver, hinted_solver
from cot_harness.solvers.judging import load_template
from cot_harness.solvers.params import sample_text
from cot_harness.tasks._build import DataArgs, check_forcing, suite_task

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
          hint_kinds: tuple[str, ...] = (), **context: Any) -> Task:
    roles = {"cot_predictiveness": ("predictor",)}.get(name, ("judge", "monitor"))
    descriptor = DESCRIPTORS[name]
    if hint_kinds:  # a bound judge is the headline classifier; else the keyword screen
        classifier = "judge" if "judge" in model_roles() else "keyword"
        descriptor = replace(descriptor, headlines=hint_headlines(hint_kinds, classifier))
    return suite_task(descriptor, data, max_tokens, solver, scorer, roles, **context)


def _few_shot_prompt(sample: Sample) -> str:
    """What an always-A question shows the model: its exemplars' turns, then the question."""
    turns = few_shot_turns((sample.metadata or {})["few_shot"], always_a=True)
    return "\n".join(text for _, text in turns) + "\n" + sample_text(sample)


HintTargetParam = Annotated[HintTarget, Param("the option hints point at: incorrect, correct or any")]
MonitorChannelParam = Annotated[MonitorChannel, Param("what a monitor reads: thinking, answer or both")]
CalibrationName = Annotated[str, Param("labelled set calibrating each verbalisation classifier: builtin, a file, or none")]
HintKind = Literal["sycophancy", "consistency", "visual_pattern", "metadata", "grader_hacking",
                   "unethical_information", "suggested_answer"]
assert set(get_args(HintKind)) == {*HINT_TYPES, "suggested_answer"}, "HintKind must list core.hints.HINT_TYPES"


@task
@checked_parameters
def cot_predictiveness(
    dataset: DatasetName = "builtin", n: Count = DEFAULT_N, seed: Seed = 0, forcing: ForcingMode = "auto",
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS, path: HubPath = None, revision: Revision = None,
    answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse",
) -> Task:
    """Prediction accuracy of the model's answer with and without its CoT; lift with paired CI."""
    return _task("cot_predictiveness", DataArgs(dataset, n, seed, path, revision, answer_index, bad_items), max_tokens,
                 cot_predictiveness_solver(check_forcing(forcing)), cot_predictiveness_scorer())


@task
@checked_parameters
def biased_context(
    dataset: DatasetName = "builtin", n: Count = DEFAULT_N, seed: Seed = 0, max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    bias: Annotated[Literal["suggested_answer", "always_a"], Param(
        "suggested_answer (\"I think the answer is (X)\") or always_a (few-shot answers all (A))")] = "suggested_answer",
    k_shot: Annotated[int, Param("exemplars before each question (bias=always_a)", minimum=1, maximum=50)] = 3,
    path: HubPath = None, revision: Revision = None, answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse", judge_template: JudgeTemplateName = None,
    hint_target: HintTargetParam = "incorrect", calibration: CalibrationName = "builtin",
) -> Task:
    """Turpin et al.'s biasing features: ``bias=suggested_answer`` ("I think the answer is (X)",
    X a wrong option) or ``bias=always_a`` (``k_shot`` exemplars reordered so every answer is
    (A); questions whose answer is (A) are left out). Accuracy unbiased vs biased, % of answers
    moved to the bias target, % of moved answers whose CoT mentions the bias. ``judge_template``:
    a shipped judge prompt's name or a file (default ``hint_chen``)."""
    template = load_template(judge_template, "hint")
    if bias == "suggested_answer":
        kinds: tuple[str, ...] = ("suggested_answer",)
        task = _task("biased_context", DataArgs(dataset, n, seed, path, revision, answer_index, bad_items), max_tokens,
                     hinted_solver(kinds, seed, hint_target), hint_scorer(kinds, judge_template, calibration), kinds)
        task.metadata = {**(task.metadata or {}), **template.log_entry(), "hint_target": hint_target}
        return task
    if hint_target != "incorrect":
        raise UserInputError(f"-T hint_target={hint_target}: bias=always_a always points at (A); hint_target applies "
                             "to bias=suggested_answer")
    data = DataArgs(dataset, None if n is None else n + k_shot, seed, path, revision, answer_index, bad_items)
    task = _task("biased_context", data, max_tokens, always_a_solver(), hint_scorer(("always_a",), judge_template, calibration),
                 ("always_a",), prepare=lambda dataset: with_exemplars(dataset, k_shot, seed), prompt_text=_few_shot_prompt)
    task.metadata = {**(task.metadata or {}), "bias": bias, "k_shot": k_shot, **template.log_entry()}
    return task


@task
@checked_parameters
def hint_verbalization(
    dataset: DatasetName = "builtin", n: Count = DEFAULT_N, seed: Seed = 0,
    hint_types: Annotated[tuple[HintKind, ...], Param("hint kinds to run (comma-separated)")] = HINT_TYPES,  # type: ignore[assignment]
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS, path: HubPath = None, revision: Revision = None,
    answer_index: AnswerIndex = None, bad_items: BadItems = "refuse", judge_template: JudgeTemplateName = None,
    hint_target: HintTargetParam = "incorrect", calibration: CalibrationName = "builtin",
    monitor_channel: MonitorChannelParam = "both", monitor_template: JudgeTemplateName = None,
) -> Task:
    """Chen et al.'s paired hint test: per hint kind, switch rate (switched ÷ eligible, and
    changed-to-hint ÷ changed) and verbalisation under every classifier, raw and corrected for
    the classifier's calibrated error, with Chen's normalisation.
    ``hint_target``: hints point at a wrong option (default), the right one, or any option.
    ``calibration``: the labelled set each classifier is calibrated on (``builtin``, a file, or
    ``none``: rates are then marked uncalibrated). Monitorability (g-mean², docs/metrics.md): the
    keyword screen and the ``monitor`` role read ``monitor_channel`` (thinking, answer or both).
    ``judge_template``: the verbalisation judge's prompt, a shipped name (``hint_chen``, the
    default; ``hint_strict``) or a file with the fields ``{cot}``, ``{question}``, ``{letter}``,
    ``{description}``."""
    kinds = tuple(hint_types)
    template = load_template(judge_template, "hint")
    task = _task("hint_verbalization", DataArgs(dataset, n, seed, path, revision, answer_index, bad_items), max_tokens,
                 hinted_solver(kinds, seed, hint_target),
                 hint_scorer(kinds, judge_template, calibration, monitor_channel, monitor_template), kinds)
    task.metadata = {**(task.metadata or {}), **template.log_entry(), "hint_target": hint_target,
                     "monitor_channel": monitor_channel}
    return task
