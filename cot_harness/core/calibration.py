"""How far a verbalisation classifier can be trusted, and its rate corrected for its errors.

A classifier (a keyword screen or an LLM judge) grades a labelled calibration set; its
confusion counts against the labels give sensitivity Se = P(yes | label yes), specificity
Sp = P(no | label no), accuracy, raw agreement p_o, Cohen's κ and Gwet's AC1 (κ collapses when
nearly every label is yes or no; AC1 does not). A rate the same classifier measured on a run is
then corrected by Rogan–Gladen, θ = (p_obs + Sp − 1)/(Se + Sp − 1), clipped to [0, 1] and
undefined when Se + Sp ≤ 1 (the classifier is no better than a coin). Its interval carries both
the run's sampling error and the calibration's: a bootstrap that resamples the run's verdicts
and, independently, the calibration's positives and negatives. Formulas in docs/metrics.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from cot_harness.core.defaults import DEFAULT_SEED
from cot_harness.core.stats import wilson_interval

NAN = float("nan")


@dataclass(frozen=True)
class Confusion:
    """A classifier's verdicts against labels: true/false positives and negatives."""

    tp: int
    fp: int
    fn: int
    tn: int

    @staticmethod
    def of(labels: Sequence[bool], verdicts: Sequence[bool]) -> Confusion:
        pairs = list(zip(labels, verdicts, strict=True))
        return Confusion(sum(a and b for a, b in pairs), sum(b and not a for a, b in pairs),
                         sum(a and not b for a, b in pairs), sum(not a and not b for a, b in pairs))

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        return self.fp + self.tn

    @property
    def sensitivity(self) -> float:
        return self.tp / self.positives if self.positives else NAN

    @property
    def specificity(self) -> float:
        return self.tn / self.negatives if self.negatives else NAN

    @property
    def agreement(self) -> float:
        """Raw agreement p_o (for a classifier against labels, its accuracy)."""
        return (self.tp + self.tn) / self.n if self.n else NAN

    @property
    def kappa(self) -> float:
        """Cohen's κ = (p_o − p_e)/(1 − p_e), p_e = P_label(yes)·P_clf(yes) + P_label(no)·P_clf(no)."""
        if not self.n:
            return NAN
        label_yes, verdict_yes = self.positives / self.n, (self.tp + self.fp) / self.n
        expected = label_yes * verdict_yes + (1 - label_yes) * (1 - verdict_yes)
        return (self.agreement - expected) / (1 - expected) if expected < 1 else NAN

    @property
    def ac1(self) -> float:
        """Gwet's AC1 = (p_o − p_e)/(1 − p_e), p_e = 2π(1 − π), π the mean "yes" share of the two raters."""
        if not self.n:
            return NAN
        pi = (self.positives + self.tp + self.fp) / (2 * self.n)
        expected = 2 * pi * (1 - pi)
        return (self.agreement - expected) / (1 - expected) if expected < 1 else NAN

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def rogan_gladen(observed: float, sensitivity: float, specificity: float) -> float:
    """The true rate behind an observed rate, given the classifier's Se and Sp; NaN when
    Se + Sp ≤ 1 or any input is undefined."""
    youden = sensitivity + specificity - 1
    if any(math.isnan(x) for x in (observed, sensitivity, specificity)) or youden <= 0:
        return NAN
    return min(1.0, max(0.0, (observed + specificity - 1) / youden))


def _quantiles(values: Sequence[float], level: float) -> tuple[float, float]:
    kept = [v for v in values if not math.isnan(v)]
    if len(kept) < 0.5 * len(values) or not kept:  # mostly undefined: no interval rather than a biased one
        return NAN, NAN
    tail = (1 - level) / 2
    return float(np.quantile(kept, tail)), float(np.quantile(kept, 1 - tail))


def corrected_rate(verdicts: Sequence[bool], confusion: Confusion, level: float = 0.95, seed: int = DEFAULT_SEED,
                   draws: int = 2000) -> tuple[float, float, float]:
    """(Rogan–Gladen rate, lower, upper) for a run whose classifier said yes on ``verdicts``.

    Interval: each draw takes the observed rate, Se and Sp from their Jeffreys posteriors,
    Beta(k + ½, n − k + ½) of the run's yes-verdicts and of the calibration's true positives and
    true negatives, and applies Rogan–Gladen; the percentiles of the draws bound the rate. It widens
    with a small calibration set as well as with a small run, and unlike a plain bootstrap it does not
    collapse to a point when a count is 0 or n (4 of 4 switched answers verbalised is not certainty)."""
    n = len(verdicts)
    if not n or not confusion.positives or not confusion.negatives:
        return NAN, NAN, NAN
    hits = sum(verdicts)
    estimate = rogan_gladen(hits / n, confusion.sensitivity, confusion.specificity)
    rng = np.random.default_rng(seed)
    p_star = rng.beta(hits + 0.5, n - hits + 0.5, draws)
    se_star = rng.beta(confusion.tp + 0.5, confusion.fn + 0.5, draws)
    sp_star = rng.beta(confusion.tn + 0.5, confusion.fp + 0.5, draws)
    boots = [rogan_gladen(p, se, sp) for p, se, sp in zip(p_star, se_star, sp_star)]
    lower, upper = _quantiles(boots, level)
    return estimate, lower, upper


def agreement_intervals(confusion: Confusion, level: float = 0.95, seed: int = DEFAULT_SEED,
                        draws: int = 2000) -> dict[str, tuple[float, float]]:
    """Intervals of the calibration statistics: Wilson for the proportions (Se, Sp, accuracy),
    a bootstrap over the calibration items for κ and AC1."""
    intervals = {
        "sensitivity": wilson_interval(confusion.tp, confusion.positives, level) if confusion.positives else (NAN, NAN),
        "specificity": wilson_interval(confusion.tn, confusion.negatives, level) if confusion.negatives else (NAN, NAN),
        "accuracy": wilson_interval(confusion.tp + confusion.tn, confusion.n, level) if confusion.n else (NAN, NAN),
    }
    if not confusion.n:
        return intervals | {"kappa": (NAN, NAN), "ac1": (NAN, NAN)}
    rng = np.random.default_rng(seed)
    shares = np.array([confusion.tp, confusion.fp, confusion.fn, confusion.tn]) / confusion.n
    samples = [Confusion(*map(int, rng.multinomial(confusion.n, shares))) for _ in range(draws)]
    intervals["kappa"] = _quantiles([s.kappa for s in samples], level)
    intervals["ac1"] = _quantiles([s.ac1 for s in samples], level)
    return intervals


def calibration_summary(confusion: Confusion, level: float = 0.95, seed: int = DEFAULT_SEED) -> dict[str, float]:
    """Every calibration statistic with its interval, flat (for a table row or a log entry)."""
    intervals = agreement_intervals(confusion, level, seed)
    row: dict[str, float] = {"n": confusion.n, "positives": confusion.positives, **confusion.as_dict()}
    for name, value in (("sensitivity", confusion.sensitivity), ("specificity", confusion.specificity),
                        ("accuracy", confusion.agreement), ("kappa", confusion.kappa), ("ac1", confusion.ac1)):
        row[name] = value
        row[f"{name}_lower"], row[f"{name}_upper"] = intervals[name]
    row["agreement"] = confusion.agreement
    return row
