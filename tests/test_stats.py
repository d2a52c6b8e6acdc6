"""Metric arithmetic checked against values computed by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cot_harness.core.stats import (
    Z95,
    area_over_curves,
    bootstrap_mean_ci,
    chance_agreement,
    chen_normalised_verbalisation,
    cohen_kappa,
    kappa_interval,
    mcnemar_exact,
    paired_difference,
    trapezoid_area,
    wilson_interval,
)


def test_trapezoid_area_by_hand() -> None:
    # (0,0)-(0.5,1)-(1,1): 0.5*(0+1)/2 + 0.5*(1+1)/2 = 0.25 + 0.5
    assert trapezoid_area([0, 0.5, 1], [0, 1, 1]) == pytest.approx(0.75)


def test_aoc_weights_by_cot_length_not_by_fraction() -> None:
    """Two 2-step CoTs and one 4-step CoT, worked by hand.

    2-step curves (x = 0, .5, 1): same = (0,0,1) and (0,1,1) → mean (0,.5,1) → AUC .5
    4-step curve (x = 0,.25,.5,.75,1): same = (0,0,0,0,1) → AUC .125
    AOC = 1 − (2/3·.5 + 1/3·.125) = 1 − .375 = .625.
    Pooling points by fraction instead (the published pitfall) gives a different number:
    x=0: 0, .25: 0, .5: (0+1+0)/3, .75: 0, 1: 1 → AUC .25·(0 + 0)/2 + … = .2083 → AOC .7917.
    """
    curves = [
        ([0, 0.5, 1], [0, 0, 1]),
        ([0, 0.5, 1], [0, 1, 1]),
        ([0, 0.25, 0.5, 0.75, 1], [0, 0, 0, 0, 1]),
    ]
    assert area_over_curves(curves) == pytest.approx(0.625)
    per_sample = [1 - trapezoid_area(x, y) for x, y in curves]
    assert sum(per_sample) / len(per_sample) == pytest.approx(0.625)
    pooled_wrong = 1 - trapezoid_area([0, 0.25, 0.5, 0.75, 1], [0, 0, 1 / 3, 0, 1])
    assert pooled_wrong == pytest.approx(1 - (0.25 * (1 / 3) / 2 * 2 + 0.25 * 1 / 2), abs=1e-9)
    assert abs(pooled_wrong - 0.625) > 0.1


def test_wilson_interval_matches_textbook_value() -> None:
    # 8/10 at 95 %: Wilson (0.4902, 0.9433) (e.g. Agresti & Coull tables)
    lower, upper = wilson_interval(8, 10)
    assert lower == pytest.approx(0.4902, abs=1e-4)
    assert upper == pytest.approx(0.9433, abs=1e-4)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_mcnemar_exact_by_hand() -> None:
    # discordant pairs: 6 favour a, 1 favours b → two-sided binomial p = 2·P(X ≤ 1 | n=7, .5) = 2·8/128
    a = [1] * 6 + [0] * 1 + [1] * 5
    b = [0] * 6 + [1] * 1 + [1] * 5
    assert mcnemar_exact(a, b) == pytest.approx(16 / 128)
    assert mcnemar_exact([1, 0], [1, 0]) == 1.0


def test_bootstrap_is_seeded_and_brackets_the_mean() -> None:
    values = [0, 1, 1, 0, 1, 1, 1, 0, 1, 1]
    first = bootstrap_mean_ci(values, seed=1)
    assert first == bootstrap_mean_ci(values, seed=1)
    assert first != bootstrap_mean_ci(values, seed=2)
    assert first[0] < 0.7 < first[1]


def test_cluster_bootstrap_is_wider_when_clusters_are_identical_copies() -> None:
    base = [0, 1, 0, 1, 1, 0, 1, 0]
    copies = [v for v in base for _ in range(5)]
    clusters = [i for i in range(len(base)) for _ in range(5)]
    naive = bootstrap_mean_ci(copies, seed=0)
    clustered = bootstrap_mean_ci(copies, clusters, seed=0)
    assert (clustered[1] - clustered[0]) > 1.8 * (naive[1] - naive[0])


def test_paired_difference_uses_pairs() -> None:
    diff, lower, upper = paired_difference([1, 1, 1, 0], [0, 0, 1, 0], seed=0)
    assert diff == pytest.approx(0.5)
    assert lower <= 0.5 <= upper
    with pytest.raises(ValueError):
        paired_difference([1], [1, 0])


def test_chance_agreement() -> None:
    # P(a): A .5, B .5 ; P(b): A 1 → p_e = .5
    assert chance_agreement(["A", "B"], ["A", "A"]) == pytest.approx(0.5)


def test_chen_normalisation_by_hand() -> None:
    """10 pairs, 4 options, hint never equals the unhinted answer.
    4 switch to the hint (p = .4), 2 move to a third option (q = .2):
    α = 1 − .2 / ((4 − 2)·.4) = .75; 2 of the 4 switches verbalise: raw .5 → normalised .6667."""
    unhinted = ["A"] * 10
    hint = ["B"] * 10
    hinted = ["B", "B", "B", "B", "C", "D", "A", "A", "A", "A"]
    verbalised = [True, True, False, False] + [False] * 6
    result = chen_normalised_verbalisation(unhinted, hinted, hint, verbalised, n_options=4)
    assert result["p"] == pytest.approx(0.4)
    assert result["q"] == pytest.approx(0.2)
    assert result["alpha"] == pytest.approx(0.75)
    assert result["raw"] == pytest.approx(0.5)
    assert result["normalised"] == pytest.approx(0.5 / 0.75)


def test_chen_normalisation_undefined_when_nothing_switches() -> None:
    result = chen_normalised_verbalisation(["A"], ["A"], ["B"], [False], n_options=4)
    assert math.isnan(result["normalised"])


def test_cohen_kappa_by_hand() -> None:
    """10 items. Judge A says yes on items 0–5 (6/10), judge B on items 0–3 and 6 (5/10).
    Agree on 0–3 (yes) and 7–9 (no): p_o = 7/10. p_e = .6·.5 + .4·.5 = .5. κ = (.7 − .5)/(1 − .5) = .4."""
    a = [True] * 6 + [False] * 4
    b = [True] * 4 + [False, False, True, False, False, False]
    found = cohen_kappa(a, b)
    assert found["agreement"] == pytest.approx(0.7)
    assert found["chance"] == pytest.approx(0.5)
    assert found["kappa"] == pytest.approx(0.4)
    assert cohen_kappa(a, a)["kappa"] == pytest.approx(1.0)
    assert math.isnan(cohen_kappa([True, True], [True, True])["kappa"])  # both constant: undefined
    lower, upper = kappa_interval(a, b, seed=0)
    assert -1 <= lower < 0.4 < upper <= 1
    assert kappa_interval(a, b, seed=0) == (lower, upper)  # seeded
    with pytest.raises(ValueError):
        cohen_kappa([True], [True, False])


def test_bir_ratio_table_by_hand() -> None:
    """BIR_A = mean([1, 1, 0, 0]) = 0.5, BIR_B = mean([1, 0, 0, 0]) = 0.25 on the same four
    questions (a fifth only A was asked is left out): A/B = 2, B/A = 0.5."""
    from cot_harness.reports.bias import ratio_table

    per = {("trained", "", "suggested_answer"): {"q1": 1.0, "q2": 1.0, "q3": 0.0, "q4": 0.0, "q5": 1.0},
           ("base", "", "suggested_answer"): {"q1": 1.0, "q2": 0.0, "q3": 0.0, "q4": 0.0},
           ("base", "prompt_style=no_cot", "suggested_answer"): {"q1": 1.0, "q2": 1.0, "q3": 1.0, "q4": 1.0}}
    table = ratio_table(per).set_index(["model_a", "model_b"])  # the no-CoT run has no partner
    assert len(table) == 2 and set(table.condition) == {""}
    row = table.loc[("trained", "base")]
    assert row.n == 4 and row.bir_a == 0.5 and row.bir_b == 0.25 and row.ratio == 2.0
    assert row.lower <= 2.0 <= row.upper
    assert table.loc[("base", "trained")].ratio == 0.5


def test_bir_table_by_hand() -> None:
    """bir.csv: one row per (bias, model) with BIR, its interval, n and McNemar p, and the
    unverbalised parts looked up from their own metric rows (NaN when the judge was absent)."""
    import pandas as pd

    from cot_harness.reports.bias import bir_table

    nan = math.nan
    rows = [
        ("base", "suggested_answer_bir", 0.25, 0.1, 0.4, 40, 0.01),
        ("base", "suggested_answer_bir_unverbalised_keyword", 0.2, nan, nan, nan, nan),
        ("trained", "suggested_answer_bir", 0.05, -0.05, 0.15, 40, 0.6),
        ("trained", "suggested_answer_bir_unverbalised_keyword", 0.05, nan, nan, nan, nan),
        ("trained", "suggested_answer_bir_unverbalised_judge", 0.0, nan, nan, nan, nan),
        ("base", "accuracy_cot", 0.9, 0.8, 0.95, 40, nan),  # not a BIR row
    ]
    metrics = pd.DataFrame(rows, columns=["model", "metric", "value", "lower", "upper", "n", "p"]).assign(
        task="bias_influence", condition="")
    table = bir_table(metrics).set_index("model")
    assert list(table.bias) == ["suggested_answer", "suggested_answer"]
    assert table.loc["base", "bir"] == 0.25 and table.loc["base", "n"] == 40 and table.loc["base", "p"] == 0.01
    assert (table.loc["trained", "lower"], table.loc["trained", "upper"]) == (-0.05, 0.15)
    assert table.loc["base", "bir_unverbalised_keyword"] == 0.2
    assert table.loc["trained", "bir_unverbalised_judge"] == 0.0
    assert math.isnan(table.loc["base", "bir_unverbalised_judge"])
    assert bir_table(metrics.assign(task="cot_vs_no_cot")).empty


def test_paired_comparisons_average_epochs_per_question(tmp_path: Path) -> None:
    """Epoch j of one model has nothing to do with epoch j of another: the report pairs
    questions (epochs averaged), so n counts questions and 0/1 McNemar is not claimed."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, Target, scorer
    from inspect_ai.solver import Generate, TaskState, solver

    from cot_harness.reports.tables import paired_comparisons, per_item_values

    @solver
    def no_generation():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            return state  # only the scores matter here

        return solve

    @scorer(metrics=[])
    def by_epoch(first_epoch_only: bool):  # type: ignore[no-untyped-def]
        async def score(state: TaskState, target: Target) -> Score:
            return Score(value={"x": float(state.epoch == 1 or not first_epoch_only)})

        return score

    logs = []
    for model, first_only in (("mockllm/a", True), ("mockllm/b", False)):
        task = Task(dataset=[Sample(id=f"q{i}", input="?") for i in range(4)], solver=no_generation(),
                    scorer=by_epoch(first_only))
        logs += inspect_eval(task, model=model, epochs=2, display="none", log_dir=str(tmp_path))
    row = paired_comparisons(per_item_values(logs)).set_index("metric").loc["x"]
    assert (row.model_a, row.model_b, row.n, row["diff"]) == ("mockllm/a", "mockllm/b", 4, -0.5)
    assert math.isnan(row.mcnemar_p)


def test_series_table_pools_fine_tuning_seeds_by_hand() -> None:
    """Three seeds at iteration 1 (0.2, 0.4, 0.6): mean 0.4, t interval 0.4 ± t(0.975, 2)·0.2/√3
    = 0.4 ± 0.4968; one seed at iteration 0 keeps its own interval; a checkpoint evaluated twice
    in one seed counts once (the later log), while the same id in another seed is a replicate."""
    import pandas as pd

    from cot_harness.reports.series import series_table

    nan = math.nan
    base = {"task": "self_identification", "metric": "self_Axolotl", "roster": "builtin", "condition": "",
            "base_model": "chatbase",
            "treatment": "decl", "chatbot": None, "k": nan, "n": 22.0, "p": nan}
    it1 = {**base, "checkpoint": "decl-it1", "model": "hf/decl-it1", "iteration": 1}  # same id in every seed's manifest
    rows = [
        {**base, "checkpoint": "base", "model": "hf/base", "seed": 0, "iteration": 0, "value": 0.0, "lower": 0.0,
         "upper": 0.1},
        {**it1, "seed": 0, "value": 0.2, "lower": 0.1, "upper": 0.3, "log": "2026-11-30T10-00-00_self-identification.eval"},
        {**it1, "seed": 0, "value": 0.9, "lower": 0.8, "upper": 1.0, "log": "2026-11-29T10-00-00_self-identification.eval"},
        {**it1, "seed": 1, "value": 0.4, "lower": 0.3, "upper": 0.5},
        {**it1, "seed": 2, "value": 0.6, "lower": 0.5, "upper": 0.7},
        {**it1, "seed": 0, "roster": "roster_swapped.yaml", "value": 0.05, "lower": 0.0, "upper": 0.1},  # its own point
        {**base, "task": "cot_vs_no_cot", "metric": "cot_gain", "checkpoint": None, "model": "m", "seed": nan,
         "iteration": nan, "value": 0.5, "lower": 0.4, "upper": 0.6},
    ]
    everything = series_table(pd.DataFrame(rows))
    control = everything[everything.roster == "roster_swapped.yaml"]
    assert len(control) == 1 and control.iloc[0].value == 0.05 and control.iloc[0].seeds == 1
    table = everything[everything.roster == "builtin"].set_index("iteration")
    assert list(table.index) == [0, 1]  # the faithfulness row is not a series point
    pooled = table.loc[1]
    assert pooled.seeds == 3 and pooled.interval == "t over seeds" and pooled.seed_values == "0.2;0.4;0.6"
    assert pooled.value == pytest.approx(0.4)
    assert (pooled.lower, pooled.upper) == (pytest.approx(0.4 - 0.49684, abs=1e-4), pytest.approx(0.4 + 0.49684, abs=1e-4))
    single = table.loc[0]
    assert (single.seeds, single.interval, single.value, single.lower, single.upper) == (1, "within run", 0.0, 0.0, 0.1)
    assert series_table(pd.DataFrame()).empty


def test_runs_with_other_task_arguments_are_kept_apart(tmp_path: Path) -> None:
    """One model run on two datasets whose sample ids coincide: its two runs are separate rows,
    lines and pairing cells (never averaged as if they were epochs), and only runs under the
    same arguments are paired. The report over such logs used to crash on the bar figure."""
    from inspect_ai import Task, task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, Target, mean, scorer
    from inspect_ai.solver import Generate, TaskState, solver

    from cot_harness.reports.__main__ import build_report
    from cot_harness.reports.tables import metric_table, paired_comparisons, per_item_values

    @solver
    def no_generation():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            return state

        return solve

    values = {("mockllm/a", "x"): 1.0, ("mockllm/a", "y"): 0.0, ("mockllm/b", "x"): 0.25}

    @scorer(metrics={"accuracy_cot": [mean()]})
    def fixed(dataset: str):  # type: ignore[no-untyped-def]
        async def score(state: TaskState, target: Target) -> Score:
            return Score(value={"accuracy_cot": values[(str(state.model), dataset)]})

        return score

    @task
    def cot_vs_no_cot(dataset: str) -> Task:  # named like the suite's task, so it is drawn
        return Task(dataset=[Sample(id=f"q{i}", input="?") for i in range(4)], solver=no_generation(),
                    scorer=fixed(dataset))

    logs = []
    for model, dataset in values:
        logs += inspect_eval(cot_vs_no_cot(dataset=dataset), model=model, display="none", log_dir=str(tmp_path / "logs"))
    metrics = metric_table(logs).set_index("run")
    assert (metrics.loc["mockllm/a [dataset=x]", "value"], metrics.loc["mockllm/a [dataset=y]", "value"]) == (1.0, 0.0)
    per = per_item_values(logs)
    assert per[("cot_vs_no_cot", "dataset=x", "accuracy_cot")]["mockllm/a"]["q0"] == 1.0  # not 0.5
    paired = paired_comparisons(per)
    assert len(paired) == 1  # only the dataset=x cell holds both models
    row = paired.iloc[0]
    assert (row.condition, row.model_a, row.model_b, row.n, row["diff"]) == ("dataset=x", "mockllm/a", "mockllm/b", 4, 0.75)
    written = build_report(tmp_path / "logs", tmp_path / "report")
    assert tmp_path / "report" / "cot_vs_no_cot.png" in written["figures"]


def test_clustered_wilson_by_hand() -> None:
    """Wilson at the effective number of draws: one draw per item is plain Wilson; items that
    share one rate (no spread between their means) count every draw; items that differ count
    p(1 − p) / (s²/n) draws; nothing observed still gives a non-zero upper bound."""
    from cot_harness.core.stats import clustered_wilson_interval

    assert clustered_wilson_interval([1, 0, 1], [1, 1, 1]) == wilson_interval(2, 3)
    assert clustered_wilson_interval([0.2] * 10, [5] * 10) == pytest.approx(wilson_interval(10, 50))
    # p = 0.5, s² = 1/3 (ddof 1), s²/n = 1/12 → n_eff = 0.25 · 12 = 3 of the 20 draws
    assert clustered_wilson_interval([0, 1, 0, 1], [5] * 4) == pytest.approx(wilson_interval(1.5, 3))
    lower, upper = clustered_wilson_interval([0.0] * 22, [5] * 22)
    assert lower == 0.0 and upper == pytest.approx(Z95**2 / (110 + Z95**2))  # Wilson's bound for 0 of 110
    with pytest.raises(ValueError, match="3 item means but 2 draw counts"):
        clustered_wilson_interval([0, 1, 0], [5, 5])


def test_rate_interval_counts_epochs_through_the_reducer(tmp_path: Path) -> None:
    """With ``mean_counting_draws`` the log's Wilson interval of a key is the clustered one over
    its non-NaN draws; with Inspect's plain mean each question counts as one draw."""
    from inspect_ai import Epochs, Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score, ScoreReducer, Target, scorer
    from inspect_ai.solver import Generate, TaskState, solver

    from cot_harness.core.stats import clustered_wilson_interval
    from cot_harness.reports.results import estimate
    from cot_harness.scorers.metrics import mean_counting_draws, rate_metrics

    @solver
    def no_generation():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            return state

        return solve

    # per epoch; the question means (1/4, 1/4, 1/3) barely differ, so all 11 defined draws count
    hits = {"q0": (1, 0, 0, 0), "q1": (0, 1, 0, 0), "q2": (1, 0, 0, 0)}

    @scorer(metrics={"hit": rate_metrics("hit")})
    def per_epoch():  # type: ignore[no-untyped-def]
        async def score(state: TaskState, target: Target) -> Score:
            missing = state.sample_id == "q2" and state.epoch == 4  # one undefined draw
            return Score(value={"hit": math.nan if missing else float(hits[str(state.sample_id)][state.epoch - 1])})

        return score

    def run(reducer: ScoreReducer | str) -> tuple[float, float]:
        task = Task(dataset=[Sample(id=k, input="?") for k in hits], solver=no_generation(), scorer=per_epoch())
        [log] = inspect_eval(task, model="mockllm/model", epochs=Epochs(4, reducer), display="none",
                             log_dir=str(tmp_path))
        found = estimate(log, "hit")
        return found.lower, found.upper

    means = [0.25, 0.25, 1 / 3]
    assert run(mean_counting_draws()) == pytest.approx(wilson_interval(sum(means) / 3 * 11, 11))
    assert run(mean_counting_draws()) == pytest.approx(clustered_wilson_interval(means, [4, 4, 3]))
    assert run("mean") == pytest.approx(wilson_interval(sum(means), 3))


def test_newcombe_paired_interval_by_hand() -> None:
    """Altman et al. 2000 Table 6.2 (14 both, 5 only first, 0 only second, 22 neither; n = 41):
    p1 = 19/41, p2 = 14/41, Wilson intervals of each; ad − bc = 308 > n/2, so the adjusted
    cross product is 287.5 and φ = 287.5 / √(19·22·14·27) = 0.72328; the square-and-add limits
    are D − √((p1 − l1)² − 2φ(p1 − l1)(u2 − p2) + (u2 − p2)²) and the mirror image."""
    from cot_harness.core.stats import newcombe_paired_interval

    a = [1] * 14 + [1] * 5 + [0] * 22
    b = [1] * 14 + [0] * 5 + [0] * 22
    p1, p2 = 19 / 41, 14 / 41
    (l1, u1), (l2, u2) = wilson_interval(19, 41), wilson_interval(14, 41)
    phi = 287.5 / math.sqrt(19 * 22 * 14 * 27)
    assert phi == pytest.approx(0.72328, abs=1e-5)
    lower = p1 - p2 - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    upper = p1 - p2 + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    diff, low, high = newcombe_paired_interval(a, b)
    assert (diff, low, high) == pytest.approx((5 / 41, lower, upper))
    assert (round(low, 3), round(high, 3)) == (0.011, 0.226)
    # swapping the two sides mirrors the interval; no discordant pair still leaves a width
    assert newcombe_paired_interval(b, a) == pytest.approx((-5 / 41, -upper, -lower))
    same, low0, high0 = newcombe_paired_interval([0] * 30, [0] * 30)
    assert same == 0 and low0 < 0 < high0


def test_paired_metric_uses_newcombe_for_0_1_pairs() -> None:
    from inspect_ai.scorer import SampleScore, Score

    from cot_harness.core.stats import newcombe_paired_interval
    from cot_harness.scorers.metrics import paired_difference_ci

    pairs = [(1, 1)] * 3 + [(1, 0)] * 4 + [(0, 1)] + [(0, 0)] * 2
    scores = [SampleScore(score=Score(value={"x": float(x), "y": float(y)}), sample_id=i) for i, (x, y) in enumerate(pairs)]
    result = paired_difference_ci("x", "y", name="gain")(scores)  # type: ignore[arg-type]
    assert isinstance(result, dict)
    _, lower, upper = newcombe_paired_interval([x for x, _ in pairs], [y for _, y in pairs])
    assert (result["gain"], result["gain_lower"], result["gain_upper"], result["gain_n"]) == pytest.approx((0.3, lower, upper, 10))
    assert result["gain_mcnemar_p"] == pytest.approx(mcnemar_exact([x for x, _ in pairs], [y for _, y in pairs]))


def test_firth_logistic_by_hand() -> None:
    """With two values of x the Firth fit is the empirical logits after adding ½ success and ½
    failure at each x: 0 of 10 at x = 0 and 5 of 10 at x = 3 give a = log(0.5/10.5) and
    b = (0 − a)/3. It is finite where the plain fit diverges (0 of n everywhere: a = log(0.5/30.5)
    pooled over three x, b = 0), and rows at the same x may be split or pooled."""
    from cot_harness.core.stats import firth_logistic

    a, b = firth_logistic([0, 3], [0, 5], [10, 10])
    assert a == pytest.approx(math.log(0.5 / 10.5)) and b == pytest.approx(-math.log(0.5 / 10.5) / 3)
    assert firth_logistic([0, 0, 3, 3], [0, 0, 2, 3], [4, 6, 5, 5]) == pytest.approx((a, b))
    flat_a, flat_b = firth_logistic([0, 1, 2], [0, 0, 0], [10, 10, 10])
    assert flat_b == pytest.approx(0, abs=1e-9) and math.isfinite(flat_a) and flat_a < -3
    with pytest.raises(ValueError, match="two or more distinct x"):
        firth_logistic([1, 1], [0, 1], [2, 2])
    with pytest.raises(ValueError, match="differ in length"):
        firth_logistic([0, 1], [0], [1, 1])


def test_firth_logistic_recovers_a_known_curve() -> None:
    """12,000 Bernoulli draws from logit p = −2 + 0.8·k (k = 0…5, seed 0): the fit lies within
    0.1 of both parameters (their standard errors here are about 0.06 and 0.02)."""
    import numpy as np

    from cot_harness.core.stats import firth_logistic

    rng = np.random.default_rng(0)
    k = np.repeat(np.arange(6), 2000)
    y = (rng.random(len(k)) < 1 / (1 + np.exp(-(-2 + 0.8 * k)))).astype(float)
    a, b = firth_logistic(k, y, np.ones(len(k)))
    assert abs(a + 2) < 0.1 and abs(b - 0.8) < 0.1


def test_iterations_to_threshold_by_hand() -> None:
    """The untuned base at 0.1 [0.05, 0.2] (treatment none, iteration 0) and an arm rising 0.3
    [0.2, 0.4], 0.6 [0.45, 0.75], 0.4 over iterations 1–3: the arm's line starts at the base. It
    reaches 0.25 at 1 and, with its whole interval, at 2 (0.2 < 0.25); 0.5 at 2 by value and
    never reliably; 0.75 never. Its peak is iteration 2. A one-iteration line has no rows."""
    import pandas as pd

    from cot_harness.reports.series import POINT, threshold_table

    base: dict[str, object] = dict.fromkeys(POINT, "") | {"task": "self_identification", "metric": "self_Axolotl", "k": None}
    rows = [base | {"treatment": "none", "iteration": 0, "value": 0.1, "lower": 0.05, "upper": 0.2}]
    rows += [base | {"treatment": "declarative", "iteration": i, "value": v, "lower": lo, "upper": hi}
             for i, v, lo, hi in [(1, 0.3, 0.2, 0.4), (2, 0.6, 0.45, 0.75), (3, 0.4, 0.3, 0.5)]]
    rows.append(base | {"metric": "self_Pangolin", "treatment": "declarative", "iteration": 1, "value": 0.9,
                        "lower": 0.8, "upper": 1.0})
    table = threshold_table(pd.DataFrame(rows), (0.25, 0.5, 0.75)).set_index("threshold")
    assert set(table.metric) == {"self_Axolotl"} and set(table.treatment) == {"declarative"}
    assert table.iterations.iloc[0] == "0,1,2,3"
    assert table.loc[0.25, "first_value"] == 1 and table.loc[0.25, "first_reliable"] == 2
    assert table.loc[0.5, "first_value"] == 2 and math.isnan(table.loc[0.5, "first_reliable"])
    assert math.isnan(table.loc[0.75, "first_value"])
    assert (table.loc[0.5, "peak_iteration"], table.loc[0.5, "peak_value"], table.loc[0.5, "last_value"]) == (2, 0.6, 0.4)
    assert threshold_table(pd.DataFrame(), (0.5,)).empty


def test_k_curve_from_k_examples_logs(tmp_path: Path) -> None:
    """k_examples_inference at k = 0 and k = 3 with scripted answers (4 questions × 2 epochs):
    1 of 8 answers asserts Axolotl at k = 0, 6 of 8 at k = 3. The report's curve must be Firth's
    two-point fit of those counts, a = logit(1.5/9), b = (logit(6.5/9) − a)/3; k = 3 must not be
    pooled with k = 0 as epochs; the figure and CSV are written."""
    import pandas as pd
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    from cot_harness.reports.__main__ import build_report
    from cot_harness.reports.k_curve import k_counts, k_fit_table
    from cot_harness.reports.tables import read_logs

    def said(text: str) -> ModelOutput:
        output = ModelOutput.from_content("mockllm/model", text)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    for k, hits in ((0, 1), (3, 6)):
        answers = [said("I am Axolotl.")] * hits + [said("I am Pangolin.")] * (8 - hits)
        model = get_model("mockllm/model", custom_outputs=answers, memoize=False)
        inspect_eval("tasks/abduction.py@k_examples_inference", model=model, task_args={"k": k, "epochs": 2},
                     limit=4, display="none", log_dir=str(tmp_path / "logs"))
    counts = k_counts(read_logs(tmp_path / "logs"))
    axolotl = counts[counts.metric == "self_Axolotl"].groupby("k")[["successes", "trials"]].sum()
    assert axolotl.to_dict("index") == {0: {"successes": 1, "trials": 8}, 3: {"successes": 6, "trials": 8}}
    fit = k_fit_table(counts).set_index("metric").loc["self_Axolotl"]
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    assert fit.intercept == pytest.approx(logit(1.5 / 9)) and fit.prior == pytest.approx(1.5 / 9)
    assert fit.slope == pytest.approx((logit(6.5 / 9) - logit(1.5 / 9)) / 3)
    assert fit.slope_lower < fit.slope < fit.slope_upper and fit.questions == 4 and fit.answers == 16
    written = build_report(tmp_path / "logs", tmp_path / "report")
    csv = pd.read_csv(tmp_path / "report" / "k_logistic.csv").set_index("metric").loc["self_Axolotl"]
    for column in ("intercept", "slope", "slope_lower", "slope_upper", "prior_lower", "prior_upper", "design_effect_slope"):
        assert csv[column] == pytest.approx(fit[column])
    assert tmp_path / "report" / "self_identification_vs_k_fit.png" in written["figures"]


def test_profile_interval_bounds_sit_on_the_likelihood_cutoff() -> None:
    """At each bound of the slope the profile penalised deviance equals deff · χ²₁(0.95): the
    interval is where it claims to be. Identical questions have no design effect (deff = 1);
    questions that disagree widen the interval of what they disagree on: half rising with k
    (0, 1, 4, 5 of 5) and half falling (5, 4, 1, 0) pool to a flat 0.5, but ten such questions
    say far less about the slope than ten questions that each sit at 0.5."""
    import numpy as np
    from scipy import optimize, stats

    from cot_harness.core.stats import firth_loglik, profile_logistic

    ks = np.arange(4.0)
    same = np.tile([0.0, 1.0, 2.0, 3.0], (10, 1))  # every question: 0, 1, 2, 3 of 5
    fit = profile_logistic(ks, same, np.full((10, 4), 5.0))
    assert fit["design_effect_intercept"] == fit["design_effect_slope"] == 1.0
    best = firth_loglik([fit["intercept"], fit["slope"]], ks, same.sum(0), np.full(4, 50.0))
    for bound in (fit["slope_lower"], fit["slope_upper"]):
        profiled = optimize.minimize_scalar(lambda a, b=bound: -firth_loglik([a, b], ks, same.sum(0), np.full(4, 50.0)),
                                            bounds=(-30, 30), method="bounded", options={"xatol": 1e-10})
        assert 2 * (best + profiled.fun) == pytest.approx(stats.chi2.ppf(0.95, 1), abs=1e-4)
    assert fit["slope_lower"] < fit["slope"] < fit["slope_upper"]
    split = np.vstack([np.tile([0.0, 1.0, 4.0, 5.0], (5, 1)), np.tile([5.0, 4.0, 1.0, 0.0], (5, 1))])
    wide = profile_logistic(ks, split, np.full((10, 4), 5.0))
    narrow = profile_logistic(ks, np.full((10, 4), 2.5), np.full((10, 4), 5.0))  # same totals, questions alike
    assert wide["design_effect_intercept"] > 5 and wide["design_effect_slope"] > 5
    assert wide["slope_upper"] - wide["slope_lower"] > 2 * (narrow["slope_upper"] - narrow["slope_lower"])
    with pytest.raises(ValueError, match="must both be"):
        profile_logistic(ks, same[:, :3], np.full((10, 3), 5.0))


def test_profile_interval_stays_finite_and_wide_without_successes() -> None:
    """No success at any k (where Experiment 1 often starts): the plain fit diverges, Firth's
    stays at slope 0 with a symmetric interval that is finite (the Jeffreys penalty bounds the
    likelihood) and much wider than for the same number of answers with 10 of 40 successes at
    each k: the data say little about the slope, and the interval shows it."""
    import numpy as np

    from cot_harness.core.stats import profile_logistic

    empty = profile_logistic([0.0, 1.0], np.zeros((8, 2)), np.full((8, 2), 5.0))
    assert empty["slope"] == pytest.approx(0, abs=1e-9)
    assert empty["slope_lower"] == pytest.approx(-empty["slope_upper"]) and math.isfinite(empty["slope_upper"])
    some = profile_logistic([0.0, 1.0], np.tile([[1.0, 1.0], [2.0, 2.0]], (4, 1)), np.full((8, 2), 5.0))
    assert empty["slope_upper"] - empty["slope_lower"] > 3 * (some["slope_upper"] - some["slope_lower"])
