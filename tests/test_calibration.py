"""Classifier calibration and corrected rates (core/calibration.py, scorers/calibration.py):
statistics against hand-computed values, and a deliberately noisy classifier whose raw rate is
wrong while the Rogan–Gladen rate recovers the planted one within its interval."""

from __future__ import annotations

import math
import random
from typing import Any, cast

import pytest
from inspect_ai.scorer import SampleScore, Score

from cot_harness.core.calibration import Confusion, calibration_summary, corrected_rate, rogan_gladen
from cot_harness.scorers.calibration import classifier_calibration, corrected_verbalisation


def test_confusion_statistics_match_hand_computation() -> None:
    balanced = Confusion(tp=40, fp=10, fn=10, tn=40)
    assert (balanced.sensitivity, balanced.specificity, balanced.agreement) == (0.8, 0.8, 0.8)
    assert balanced.kappa == pytest.approx(0.6) and balanced.ac1 == pytest.approx(0.6)
    # high prevalence: p_o = 50/60; Cohen p_e = (5/6)² + (1/6)² = 0.72222 → κ = 0.4;
    # Gwet π = 5/6, p_e = 2π(1 − π) = 0.27778 → AC1 = 0.76923 (κ collapses, AC1 does not)
    skewed = Confusion(tp=45, fp=5, fn=5, tn=5)
    assert skewed.agreement == pytest.approx(50 / 60)
    assert skewed.kappa == pytest.approx(0.4)
    assert skewed.ac1 == pytest.approx(0.769231, abs=1e-6)


def test_confusion_from_labels_and_verdicts() -> None:
    labels = [True, True, False, False, True]
    verdicts = [True, False, True, False, True]
    assert Confusion.of(labels, verdicts) == Confusion(tp=2, fp=1, fn=1, tn=1)


def test_rogan_gladen_by_hand_and_its_edges() -> None:
    assert rogan_gladen(0.5, 0.9, 0.7) == pytest.approx((0.5 + 0.7 - 1) / (0.9 + 0.7 - 1))
    assert rogan_gladen(0.05, 0.9, 0.7) == 0.0  # clipped at 0
    assert rogan_gladen(0.99, 0.9, 0.99) == 1.0  # clipped at 1
    assert math.isnan(rogan_gladen(0.5, 0.5, 0.5))  # Se + Sp = 1: the classifier is a coin
    assert math.isnan(rogan_gladen(0.5, 0.3, 0.4))


def test_summary_intervals_contain_their_estimates() -> None:
    row = calibration_summary(Confusion(tp=30, fp=6, fn=10, tn=54))
    for name in ("sensitivity", "specificity", "accuracy", "kappa", "ac1"):
        assert row[f"{name}_lower"] <= row[name] <= row[f"{name}_upper"], name
    assert row["n"] == 100 and row["positives"] == 40


def _noisy(truth: list[bool], sensitivity: float, false_positive: float, rng: random.Random) -> list[bool]:
    return [rng.random() < sensitivity if t else rng.random() < false_positive for t in truth]


def _scores(key: str, verdicts: list[bool], confusion: Confusion) -> list[SampleScore]:
    calibration = {"keyword": {"verbalised": confusion.as_dict()}}
    return [SampleScore(sample_id=i, score=Score(value={key: float(v)}, metadata={"calibration": calibration}))
            for i, v in enumerate(verdicts)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_corrected_rate_recovers_a_planted_rate_where_the_raw_rate_does_not(seed: int) -> None:
    """Planted verbalisation rate 0.30 among 600 switched answers; the classifier catches 90 % of
    verbalised answers and calls 30 % of the others verbalised. Its raw rate is ≈ 0.48; calibrated
    on 400 labelled items with the same error, the corrected rate's interval holds 0.30 and the
    raw rate lies outside it."""
    rng = random.Random(seed)
    planted = 0.30
    run_truth = [rng.random() < planted for _ in range(600)]
    run_verdicts = _noisy(run_truth, 0.9, 0.3, rng)
    cal_truth = [rng.random() < 0.5 for _ in range(400)]
    confusion = Confusion.of(cal_truth, _noisy(cal_truth, 0.9, 0.3, rng))
    raw = sum(run_verdicts) / len(run_verdicts)
    metric: Any = corrected_verbalisation("metadata", "keyword")  # Metric's union includes a deprecated form
    found = metric(_scores("metadata_verbalised_keyword", run_verdicts, confusion))
    assert isinstance(found, dict)
    estimate = found["metadata_verbalised_keyword_corrected"]
    lower, upper = found["metadata_verbalised_keyword_corrected_lower"], found["metadata_verbalised_keyword_corrected_upper"]
    assert lower <= planted <= upper, (lower, estimate, upper)
    assert not lower <= raw <= upper and abs(raw - planted) > 0.1
    assert upper - lower < 0.35  # informative, not just wide


def test_the_interval_carries_the_calibration_uncertainty() -> None:
    """The same run, calibrated on 40 items instead of 4,000 of the same error: a wider interval."""
    verdicts = [True] * 48 + [False] * 52
    small, large = Confusion(tp=18, fp=6, fn=2, tn=14), Confusion(tp=1800, fp=600, fn=200, tn=1400)
    _, lo_small, hi_small = corrected_rate(verdicts, small)
    _, lo_large, hi_large = corrected_rate(verdicts, large)
    assert hi_small - lo_small > 1.3 * (hi_large - lo_large)


def test_an_uncalibrated_classifier_gives_no_corrected_rate_and_says_so() -> None:
    scores = [SampleScore(sample_id=1, score=Score(value={"metadata_verbalised_judge": 1.0}, metadata={"calibration": {}}))]
    corrected = cast(Any, corrected_verbalisation("metadata", "judge"))(scores)
    assert isinstance(corrected, dict) and math.isnan(corrected["metadata_verbalised_judge_corrected"])
    calibration = cast(Any, classifier_calibration("judge"))(scores)
    assert isinstance(calibration, dict)
    assert calibration["judge_calibration_size"] == 0 and math.isnan(calibration["judge_kappa"])


def test_a_small_run_at_the_boundary_keeps_an_honest_interval() -> None:
    """4 of 4 switched answers called verbalised by a classifier with Se 0.8, Sp 0.7: the corrected
    rate is 1, but four answers cannot make that certain."""
    estimate, lower, upper = corrected_rate([True] * 4, Confusion(tp=40, fp=15, fn=10, tn=35))
    assert estimate == 1.0 and upper == 1.0 and lower < 0.7


def test_the_planner_counts_each_judges_calibration_calls_once() -> None:
    """A comparison that grades verbalisation with two judges pays one call per channel of every
    calibration item per judge (once: cached), and none when no judge or no graded task runs."""
    from cot_harness.core.calibration_set import load_calibration
    from cot_harness.reports.compare import CompareConfig, calibration_calls

    found = load_calibration("builtin")
    assert found is not None
    channels = sum(len(item.channels.present()) for item in found.items)
    models = [{"model": "organism/faithful"}]
    hints = ["tasks/hidden_influences.py@hint_verbalization"]
    two = CompareConfig(models=models, tasks=hints, model_roles={"judge": "openai/gpt-4o", "judge_2": "openai/x"})
    assert calibration_calls(two) == 2 * channels and channels > len(found.items)
    assert calibration_calls(CompareConfig(models=models, tasks=hints)) == 0
    assert calibration_calls(CompareConfig(models=models, tasks=["tasks/faithfulness.py@early_answering"],
                                           model_roles={"judge": "openai/gpt-4o"})) == 0


def test_a_keyword_rule_is_calibrated_on_the_parts_it_was_not_written_on() -> None:
    """The keyword screen fits its development parts perfectly by construction; its built-in
    calibration is the held-out parts only, and a judge (which saw none of it) grades every part.
    A user's own file is graded whole by both."""
    import asyncio

    from cot_harness.core.calibration_set import HELD_OUT_PARTS, load_calibration
    from cot_harness.scorers.calibration import calibration_of
    from cot_harness.solvers.judging import load_template

    builtin = load_calibration("builtin")
    assert builtin is not None
    held_out = [i for i in builtin.items if i.split in HELD_OUT_PARTS]
    assert HELD_OUT_PARTS == ("heldout", "heldout_d") and 0 < len(held_out) < len(builtin.items)
    found = asyncio.run(calibration_of("keyword", None, load_template(None, "hint"), builtin))
    assert found is not None and found["calibration_n"] == len(held_out)
    assert found["calibration_parts"] == "heldout,heldout_d"
    verbalised = found["verbalised"]
    assert sum(verbalised.values()) == len(held_out)
    assert builtin.held_out().held_out() == builtin.held_out()
    user = type(builtin)(builtin.items, "my_labels.yaml", builtin.sha256)
    assert user.held_out() is user
