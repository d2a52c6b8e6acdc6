"""Benchmark: how often the harness's 95 % intervals cover the truth, at the sample sizes it runs.

    python benchmarks/interval_coverage.py              # 2,000 simulated runs per cell, seed 0
    python benchmarks/interval_coverage.py --runs 500

Each cell simulates a run with a known true value, computes the interval exactly as the
scorers do (``cot_harness.core.stats``), and counts how often it contains the truth; the Monte Carlo
error of a coverage near 0.95 is about ±0.01 at 2,000 runs. Designs:

- ``rate, 22 questions × 5 epochs``: the identity probes (0/1 answers sampled 5 times per
  question, averaged per question), with a percentile bootstrap over questions
  (``mean_metrics``), Wilson over the question means as if each were one draw, and Wilson at
  the effective number of draws (``rate_metrics`` after ``mean_counting_draws``: what the
  abduction tasks report), the latter also when questions differ in their own rate;
- ``rate, n items, bootstrap``: a 0/1 headline metric over n questions (``mean_metrics``);
- ``rate, n items, Wilson``: the same with the Wilson interval (``rate_metrics``);
- ``paired difference, n items``: CoT gain style, paired 0/1 outcomes whose difference has
  mean ``true``: paired bootstrap (``paired_difference``) and Newcombe's interval
  (``newcombe_paired_interval``, what ``paired_difference_ci`` reports for 0/1 pairs);
- ``corrected verbalisation``: a classifier with sensitivity 0.8 and 30 % false positives grades n
  switched answers with true verbalisation rate θ, and a calibration set of m labelled items (half
  positive) with the same error; the Rogan–Gladen interval (``corrected_rate``) must cover θ;
- ``k slope, 22 questions × k 0–3 × 5 epochs``: Experiment 1's logistic fit (``cot_harness.reports.k_curve``):
  logit P(name) = logit(p0) + b·k, Firth fit, profile-likelihood interval widened by the
  questions' design effect (``profile_logistic``); the truth is b. Also with questions that
  differ (a normal random intercept, sd 1), where the truth is the population-averaged slope.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cot_harness.core.calibration import Confusion, corrected_rate  # noqa: E402
from cot_harness.core.stats import (  # noqa: E402
    bootstrap_mean_ci,
    clustered_wilson_interval,
    newcombe_paired_interval,
    paired_difference,
    profile_logistic,
    wilson_interval,
)

Interval = tuple[float, float]


def epochs_rate(rng: np.random.Generator, p: float, seed: int) -> Interval:
    per_question = rng.binomial(5, p, size=22) / 5
    return bootstrap_mean_ci(per_question.tolist(), seed=seed)


def epochs_wilson(rng: np.random.Generator, p: float, seed: int) -> Interval:
    """Wilson over the 22 question means (what ``rate_metrics`` computes after Inspect's epoch reduction)."""
    return wilson_interval(float((rng.binomial(5, p, size=22) / 5).sum()), 22)


def epochs_clustered(spread: bool) -> Callable[[np.random.Generator, float, int], Interval]:
    """Wilson at the effective number of draws (``rate_metrics`` with ``mean_counting_draws``);
    with ``spread`` each question has its own rate, drawn from Beta(2p/(1−p), 2) (mean p)."""
    def draw(rng: np.random.Generator, p: float, seed: int) -> Interval:
        own = rng.beta(2 * p / (1 - p), 2, size=22) if spread else np.full(22, p)
        return clustered_wilson_interval((rng.binomial(5, own) / 5).tolist(), [5] * 22)
    return draw


def items_bootstrap(n: int) -> Callable[[np.random.Generator, float, int], Interval]:
    return lambda rng, p, seed: bootstrap_mean_ci(rng.binomial(1, p, size=n).tolist(), seed=seed)


def items_wilson(n: int) -> Callable[[np.random.Generator, float, int], Interval]:
    return lambda rng, p, seed: wilson_interval(float(rng.binomial(n, p)), n)


def paired(n: int, newcombe: bool) -> Callable[[np.random.Generator, float, int], Interval]:
    """Outcome pairs (a, b): b ~ Bernoulli(0.3); a = b except that a fraction flips, so that the
    mean of a − b is ``gain`` (discordant pairs in both directions, as in real CoT gains).
    Newcombe's interval (what ``paired_difference_ci`` reports for 0/1 pairs) or the paired
    bootstrap (what it reports for averaged epochs)."""
    def draw(rng: np.random.Generator, gain: float, seed: int) -> Interval:
        b = rng.binomial(1, 0.3, size=n)
        up = rng.random(n) < (gain + 0.05) / 0.7  # 0 → 1 among b = 0
        down = rng.random(n) < 0.05 / 0.3  # 1 → 0 among b = 1
        a = np.where(b == 0, up, ~down).astype(int)
        if newcombe:
            _, lower, upper = newcombe_paired_interval(list(a), list(b))
        else:
            _, lower, upper = paired_difference(a.tolist(), b.tolist(), seed=seed)
        return lower, upper
    return draw


def k_slope(p0: float, spread: float = 0.0) -> Callable[[np.random.Generator, float, int], Interval]:
    """22 questions asked at k = 0…3, 5 answers each, P(name) = expit(logit(p0) + u + slope·k),
    u ~ Normal(0, spread) per question."""
    ks = np.arange(4.0)

    def draw(rng: np.random.Generator, slope: float, seed: int) -> Interval:
        own = rng.normal(0.0, spread, size=(22, 1)) if spread else np.zeros((22, 1))
        p = 1 / (1 + np.exp(-(np.log(p0 / (1 - p0)) + own + slope * ks)))
        fit = profile_logistic(ks, rng.binomial(5, p), np.full((22, 4), 5.0))
        return fit["slope_lower"], fit["slope_upper"]
    return draw


def averaged_slope(p0: float, slope: float, spread: float, seed: int) -> float:
    """The population-averaged slope of the random-intercept design (what a fit pooling
    questions estimates), from a million simulated questions' exact probabilities."""
    from cot_harness.core.stats import firth_logistic

    ks = np.arange(4.0)
    own = np.random.default_rng(seed).normal(0.0, spread, size=(1_000_000, 1))
    p = (1 / (1 + np.exp(-(np.log(p0 / (1 - p0)) + own + slope * ks)))).mean(0)
    return firth_logistic(ks, p * 1e9, np.full(4, 1e9))[1]


def corrected(n: int, m: int, sensitivity: float = 0.8, false_positive: float = 0.3
              ) -> Callable[[np.random.Generator, float, int], Interval]:
    def design(rng: np.random.Generator, theta: float, seed: int) -> Interval:
        truth = rng.random(n) < theta
        verdicts = np.where(truth, rng.random(n) < sensitivity, rng.random(n) < false_positive)
        positives, negatives = m // 2, m - m // 2
        tp, fp = int(rng.binomial(positives, sensitivity)), int(rng.binomial(negatives, false_positive))
        confusion = Confusion(tp=tp, fp=fp, fn=positives - tp, tn=negatives - fp)
        _, lower, upper = corrected_rate([bool(v) for v in verdicts], confusion, seed=seed, draws=1000)
        return lower, upper

    return design


def true_gain(gain: float) -> float:
    return 0.7 * (gain + 0.05) / 0.7 - 0.3 * (0.05 / 0.3)  # = gain, written out as the design's expectation


def coverage(design: Callable[[np.random.Generator, float, int], Interval], truth: float, runs: int,
             seed: int, target: float | None = None) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for run in range(runs):
        lower, upper = design(rng, truth, run)
        hits += lower <= (truth if target is None else target) <= upper
    return hits / runs


def cells(design: Callable[[np.random.Generator, float, int], Interval], truths: tuple[float, ...], runs: int,
          seed: int, target: Callable[[float], float] | None = None) -> dict[float, float]:
    """Coverage at each true value (``target``: the value the interval should hold, where it differs)."""
    return {t: coverage(design, t, runs, seed, None if target is None else target(t)) for t in truths}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", help="run only the designs whose name contains this text")
    args = parser.parse_args()
    runs, seed = args.runs, args.seed
    rates, gains, thetas = (0.02, 0.05, 0.25, 0.5), (0.0, 0.1, 0.3, 0.6), (0.1, 0.3, 0.6, 0.9)
    slopes, k_runs = (0.0, 0.5, 1.0, 1.5), max(1, runs // 4)  # a profile fit is ~20 ms
    rows: list[tuple[str, Callable[[], dict[float, float]]]] = [
        ("rate, 22 questions × 5 epochs, bootstrap", partial(cells, epochs_rate, rates, runs, seed)),
        ("rate, 22 questions × 5 epochs, Wilson over question means", partial(cells, epochs_wilson, rates, runs, seed)),
        ("rate, 22 questions × 5 epochs, Wilson at effective n", partial(cells, epochs_clustered(False), rates, runs, seed)),
        ("rate, 22 questions (own rates, Beta) × 5 epochs, Wilson at effective n",
         partial(cells, epochs_clustered(True), rates, runs, seed)),
    ]
    for n in (30, 100):
        rows.append((f"rate, {n} items, bootstrap", partial(cells, items_bootstrap(n), rates, runs, seed)))
        rows.append((f"rate, {n} items, Wilson", partial(cells, items_wilson(n), rates, runs, seed)))
    for n in (30, 100):
        for newcombe in (False, True):
            rows.append((f"paired difference, {n} items, {'Newcombe' if newcombe else 'bootstrap'}",
                         partial(cells, paired(n, newcombe), gains, runs, seed, true_gain)))
    for n, m in ((30, 400), (100, 400), (100, 60)):
        rows.append((f"corrected verbalisation, {n} switched, calibration {m} (Se 0.8, Sp 0.7), Jeffreys draws",
                     partial(cells, corrected(n, m), thetas, runs, seed)))
    for p0 in (0.05, 0.01):
        rows.append((f"k slope, 22 questions × k 0–3 × 5 epochs, p0 = {p0:g}, Firth profile × deff ({k_runs} runs)",
                     partial(cells, k_slope(p0), slopes, k_runs, seed)))
    rows.append((f"k slope, same, p0 = 0.1, questions differ (sd 1), Firth profile × deff ({k_runs} runs)",
                 partial(cells, k_slope(0.1, 1.0), slopes, k_runs, seed, lambda b: averaged_slope(0.1, b, 1.0, seed))))
    table = [(name, compute()) for name, compute in rows if not args.only or args.only in name]
    print(f"Coverage of nominal 95 % intervals ({runs} simulated runs per cell, seed {seed})\n")
    print("| design | truth: coverage |\n|---|---|")
    for name, found in table:
        print(f"| {name} | " + ", ".join(f"{t:g}: {c:.3f}" for t, c in found.items()) + " |")


if __name__ == "__main__":
    main()
