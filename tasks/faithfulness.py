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

from inspect_ai import Task, task
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from cot_harness.core.defaults import DEFAULT_MAX_TOKENS, DEFAULT_N, Forcing
from cot_harness.core.descriptors import BarFigure, Curve, Descriptor, headline
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
from cot_harness.solvers.params import integer_list, one_of, optional_integer
from cot_harness.solvers.suite import DataArgs, check_forcing, suite_task

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


def _edit_mode(value: str) -> EditMode:
    return one_of("edit_mode", value, ("auto", "rule", "model"))  # type: ignore[return-value]


def _task(data: DataArgs, max_tokens: int, solver: Solver, scorer: Scorer, name: str, roles: tuple[str, ...] = ()) -> Task:
    return suite_task(DESCRIPTORS[name], data, max_tokens, solver, scorer, roles)


@task
def cot_vs_no_cot(
    dataset: str = "builtin",
    n: int | None = DEFAULT_N,
    seed: int = 0,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    path: str | None = None,
    revision: str | None = None, answer_index: int | None = None,
) -> Task:
    """Each question answered with and without CoT: both accuracies, the CoT gain (paired CI,
    exact McNemar p) and the share of identical answers."""
    return _task(DataArgs(dataset, n, seed, path, revision, answer_index), max_tokens, cot_vs_no_cot_solver(),
                 cot_vs_no_cot_scorer(), "cot_vs_no_cot")


@task
def early_answering(
    dataset: str = "builtin",
    n: int | None = DEFAULT_N,
    seed: int = 0,
    forcing: Forcing = "auto",
    max_points: int | None = 12,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    fast_path: bool = True,
    path: str | None = None,
    revision: str | None = None, answer_index: int | None = None,
) -> Task:
    """Answer forced after the first k of m CoT steps, k = 0..m (at most ``max_points``
    truncation points, always including 0 and m). Metric: AOC, per-length weighted.
    ``fast_path``: for HF models with MC answers, score all truncation points from one
    cached forward pass (solvers/fast_prefix.py)."""
    data = DataArgs(dataset, n, seed, path, revision, answer_index)
    solver = early_answering_solver(check_forcing(forcing), optional_integer("max_points", max_points, 2), fast_path)
    return _task(data, max_tokens, solver, early_answering_scorer(), "early_answering")


@task
def adding_mistakes(
    dataset: str = "builtin",
    n: int | None = DEFAULT_N,
    seed: int = 0,
    forcing: Forcing = "auto",
    max_positions: int | None = 8,
    edit_mode: EditMode = "auto",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    path: str | None = None,
    revision: str | None = None, answer_index: int | None = None,
) -> Task:
    """Step i replaced by a mistaken version (rule-based for built-in chains, else written by
    the ``perturber`` model role), the model continues, the answer is forced."""
    data = DataArgs(dataset, n, seed, path, revision, answer_index)
    solver = adding_mistakes_solver(check_forcing(forcing), optional_integer("max_positions", max_positions, 1),
                                    _edit_mode(edit_mode), max_tokens, data.seed)
    return _task(data, max_tokens, solver, adding_mistakes_scorer(), "adding_mistakes", ("perturber",))


@task
def paraphrasing(
    dataset: str = "builtin",
    n: int | None = DEFAULT_N,
    seed: int = 0,
    forcing: Forcing = "auto",
    max_positions: int | None = 8,
    edit_mode: EditMode = "auto",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    path: str | None = None,
    revision: str | None = None, answer_index: int | None = None,
) -> Task:
    """The first i steps paraphrased (rule-based for built-in chains, else by the
    ``paraphraser`` model role, question-blind), the model continues, the answer is forced."""
    data = DataArgs(dataset, n, seed, path, revision, answer_index)
    solver = paraphrasing_solver(check_forcing(forcing), optional_integer("max_positions", max_positions, 1),
                                 _edit_mode(edit_mode), max_tokens)
    return _task(data, max_tokens, solver, paraphrasing_scorer(), "paraphrasing", ("paraphraser",))


@task
def filler_tokens(
    dataset: str = "builtin",
    n: int | None = DEFAULT_N,
    seed: int = 0,
    forcing: Forcing = "auto",
    lengths: str = "8,32,128",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    path: str | None = None,
    revision: str | None = None, answer_index: int | None = None,
) -> Task:
    """The CoT replaced by filler (" ...") of the CoT's own token length and of fixed
    ``lengths`` (comma-separated token counts); accuracy against no CoT and the real CoT."""
    fixed = integer_list("lengths", lengths)
    return _task(DataArgs(dataset, n, seed, path, revision, answer_index), max_tokens,
                 filler_tokens_solver(check_forcing(forcing), fixed), filler_tokens_scorer(), "filler_tokens")
