"""Chain-of-thought faithfulness suite.

Tests from Lanham et al. 2023, "Measuring Faithfulness in Chain-of-Thought Reasoning"
(early answering, adding mistakes, paraphrasing, filler tokens) plus the no-CoT baseline.
Run the whole file to get a model's faithfulness profile:

    inspect eval tasks/faithfulness.py --model organism/faithful

Every task takes ``dataset`` (``builtin`` by default; see docs/datasets.md), ``n``, ``seed``,
``path`` and ``revision`` (a hub dataset's local copy or commit), and ``forcing`` (``auto`` |
``prefill`` | ``instruction``: how an answer is forced after an edited CoT, see docs/providers.md). Metric definitions and pitfalls: docs/metrics.md.
"""

from __future__ import annotations

from typing import Annotated

from inspect_ai import Task, task
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from cot_harness.core.defaults import DEFAULT_MAX_TOKENS, DEFAULT_N
from cot_harness.core.descriptors import BarFigure, Curve, Descriptor, headline
from cot_harness.core.parameters import (
    AnswerIndex,
    BadItems,
    Count,
    DatasetName,
    ForcingMode,
    HubPath,
    MaxTokens,
    Param,
    Revision,
    Seed,
    checked_parameters,
)
from cot_harness.scorers.faithfulness import (
    adding_mistakes_scorer,
    cot_vs_no_cot_scorer,
    early_answering_scorer,
    filler_tokens_scorer,
    paraphrasing_scorer,
)
from cot_harness.solvers.faithfulness import (
    EditMode,
    adding_mistakes_solver,
    cot_vs_no_cot_solver,
    early_answering_solver,
    filler_tokens_solver,
    paraphrasing_solver,
)
from cot_harness.tasks._build import DataArgs, check_forcing, suite_task

AOC_BARS = BarFigure("aoc_bars", r"aoc", "AOC (area over the curve), 95 % CI",
                     "Higher AOC: the answer depends more on the CoT (0: not at all).")
CHANGED_BARS = BarFigure("changed_bars", r"changed", "Share of edits that change the answer",
                         "Mistakes should move a faithful model's answer (high); paraphrases should not (low) "
                         "unless the model reads its wording (encoded reasoning).")
DESCRIPTORS = {d.test: d for d in (
    Descriptor("cot_vs_no_cot", "faithfulness", 10, 2, [headline(
        "cot_gain", "CoT gain", "accuracy with CoT minus without: > 0 means reasoning helps "
        "(not yet that the answer follows what it says)", ["accuracy_cot", "accuracy_no_cot"])],
        (BarFigure("cot_vs_no_cot", r"accuracy_cot|accuracy_no_cot", "Accuracy with and without CoT",
                   "A gap between the bars is a CoT gain; it shows the CoT helps, not yet that the answer "
                   "follows it."),)),
    Descriptor("early_answering", "faithfulness", 11, 13, [headline(
        "aoc", "Early-answering AOC", "0: the answer is fixed before the reasoning; "
        "higher: the answer forms as the CoT is read (faithful)")], (AOC_BARS,),
        Curve("Early answering", "fraction of CoT shown",
              "A faithful model's answer forms as its CoT is read: the curve starts low and reaches 1 only near "
              "the end. A flat line at 1 means the answer was fixed before the reasoning.")),
    Descriptor("adding_mistakes", "faithfulness", 12, 17, [headline(
        "changed", "Mistakes change answer", "share of inserted mistakes that move the answer: high when the "
        "answer follows the CoT's content")], (AOC_BARS, CHANGED_BARS),
        Curve("Adding mistakes", "fraction of CoT before the mistake",
              "A faithful model follows an inserted mistake: the curve stays low until late edits. A flat line "
              "at 1 means the answer ignores the CoT's content.")),
    Descriptor("paraphrasing", "faithfulness", 13, 17, [headline(
        "changed", "Paraphrases change answer", "share of reworded CoTs whose answer moves: high means "
        "information hidden in the wording (encoded reasoning)")], (CHANGED_BARS,)),
    Descriptor("filler_tokens", "faithfulness", 14, 6, [headline(
        "filler_vs_no_cot", "Filler − no-CoT accuracy", "> 0: extra tokens alone help (computation, not "
        "content); ≈ 0 for a CoT that works through its content", ["accuracy_filler_matched", "accuracy_no_cot"])]),
)}


MaxPositions = Annotated[int | None, Param("at most this many edit positions per CoT", minimum=1)]
EditModeParam = Annotated[EditMode, Param("who writes the edit: auto (rules for built-in chains, else the model "
                                          "role), rule, or model")]


def _task(data: DataArgs, max_tokens: int, solver: Solver, scorer: Scorer, name: str, roles: tuple[str, ...] = ()) -> Task:
    return suite_task(DESCRIPTORS[name], data, max_tokens, solver, scorer, roles)


@task
@checked_parameters
def cot_vs_no_cot(
    dataset: DatasetName = "builtin",
    n: Count = DEFAULT_N,
    seed: Seed = 0,
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    path: HubPath = None,
    revision: Revision = None,
    answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse",
) -> Task:
    """Each question answered with and without CoT: both accuracies, the CoT gain (paired CI,
    exact McNemar p) and the share of identical answers."""
    return _task(DataArgs(dataset, n, seed, path, revision, answer_index, bad_items), max_tokens, cot_vs_no_cot_solver(),
                 cot_vs_no_cot_scorer(), "cot_vs_no_cot")


@task
@checked_parameters
def early_answering(
    dataset: DatasetName = "builtin",
    n: Count = DEFAULT_N,
    seed: Seed = 0,
    forcing: ForcingMode = "auto",
    max_points: Annotated[int | None, Param("at most this many truncation points (0 and m always among them)", minimum=2)] = 12,
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    fast_path: Annotated[bool, Param("HF models, MC answers: score every truncation point from one cached forward pass")] = True,
    path: HubPath = None,
    revision: Revision = None,
    answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse",
) -> Task:
    """Answer forced after the first k of m CoT steps, k = 0..m (at most ``max_points``
    truncation points, always including 0 and m). Metric: AOC, per-length weighted.
    ``fast_path``: for HF models with MC answers, score all truncation points from one
    cached forward pass (solvers/fast_prefix.py)."""
    data = DataArgs(dataset, n, seed, path, revision, answer_index, bad_items)
    solver = early_answering_solver(check_forcing(forcing), max_points, fast_path)
    return _task(data, max_tokens, solver, early_answering_scorer(), "early_answering")


@task
@checked_parameters
def adding_mistakes(
    dataset: DatasetName = "builtin",
    n: Count = DEFAULT_N,
    seed: Seed = 0,
    forcing: ForcingMode = "auto",
    max_positions: MaxPositions = 8,
    edit_mode: EditModeParam = "auto",
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    path: HubPath = None,
    revision: Revision = None,
    answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse",
) -> Task:
    """Step i replaced by a mistaken version (rule-based for built-in chains, else written by
    the ``perturber`` model role), the model continues, the answer is forced."""
    data = DataArgs(dataset, n, seed, path, revision, answer_index, bad_items)
    solver = adding_mistakes_solver(check_forcing(forcing), max_positions,
                                    edit_mode, max_tokens, data.seed)
    return _task(data, max_tokens, solver, adding_mistakes_scorer(), "adding_mistakes", ("perturber",))


@task
@checked_parameters
def paraphrasing(
    dataset: DatasetName = "builtin",
    n: Count = DEFAULT_N,
    seed: Seed = 0,
    forcing: ForcingMode = "auto",
    max_positions: MaxPositions = 8,
    edit_mode: EditModeParam = "auto",
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    path: HubPath = None,
    revision: Revision = None,
    answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse",
) -> Task:
    """The first i steps paraphrased (rule-based for built-in chains, else by the
    ``paraphraser`` model role, question-blind), the model continues, the answer is forced."""
    data = DataArgs(dataset, n, seed, path, revision, answer_index, bad_items)
    solver = paraphrasing_solver(check_forcing(forcing), max_positions,
                                 edit_mode, max_tokens)
    return _task(data, max_tokens, solver, paraphrasing_scorer(), "paraphrasing", ("paraphraser",))


@task
@checked_parameters
def filler_tokens(
    dataset: DatasetName = "builtin",
    n: Count = DEFAULT_N,
    seed: Seed = 0,
    forcing: ForcingMode = "auto",
    lengths: Annotated[tuple[int, ...], Param("fixed filler lengths in tokens (comma-separated)", minimum=1)] = (8, 32, 128),
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    path: HubPath = None,
    revision: Revision = None,
    answer_index: AnswerIndex = None,
    bad_items: BadItems = "refuse",
) -> Task:
    """The CoT replaced by filler (" ...") of the CoT's own token length and of fixed
    ``lengths`` (comma-separated token counts); accuracy against no CoT and the real CoT."""
    return _task(DataArgs(dataset, n, seed, path, revision, answer_index, bad_items), max_tokens,
                 filler_tokens_solver(check_forcing(forcing), lengths), filler_tokens_scorer(), "filler_tokens")
