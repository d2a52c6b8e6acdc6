"""Chain-of-thought faithfulness suite.

Tests from Lanham et al. 2023, "Measuring Faithfulness in Chain-of-Thought Reasoning"
(early answering, adding mistakes, paraphrasing, filler tokens) plus the no-CoT baseline.
Run the whole file to get a model's faithfulness profile:

    inspect eval tasks/faithfulness.py --model hf/local -M model_path=organisms/faithful -M do_sample=false

Every task takes ``dataset`` (``builtin`` by default; see docs/datasets.md), ``n``, ``seed``,
``path`` and ``revision`` (a hub dataset's local copy or commit), and ``forcing`` (``auto`` |
``prefill`` | ``instruction``: how an answer is forced after an edited CoT, see docs/providers.md). Metric definitions and pitfalls: docs/metrics.md.
"""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from scorers.faithfulness import (
    adding_mistakes_scorer,
    cot_vs_no_cot_scorer,
    early_answering_scorer,
    filler_tokens_scorer,
    paraphrasing_scorer,
)
from solvers.faithfulness import (
    EditMode,
    adding_mistakes_solver,
    cot_vs_no_cot_solver,
    early_answering_solver,
    filler_tokens_solver,
    paraphrasing_solver,
)
from solvers.headlines import FAITHFULNESS
from solvers.params import integer_list, one_of, optional_integer
from solvers.suite import DataArgs, check_forcing, suite_task

DEFAULT_N = 100
DEFAULT_MAX_TOKENS = 1024


def _edit_mode(value: str) -> EditMode:
    return one_of("edit_mode", value, ("auto", "rule", "model"))  # type: ignore[return-value]


def _task(data: DataArgs, max_tokens: int, solver: Solver, scorer: Scorer, name: str, roles: tuple[str, ...] = ()) -> Task:
    return suite_task("faithfulness", name, data, max_tokens, solver, scorer, roles, FAITHFULNESS[name])


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
    forcing: str = "auto",
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
    forcing: str = "auto",
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
    forcing: str = "auto",
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
    forcing: str = "auto",
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
