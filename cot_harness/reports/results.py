"""Reading headline numbers back out of Inspect logs, with their interval and n.

Per-key scores (``{"aoc": [mean, bootstrap_ci, count]}``) appear in the log as one score per
key; whole-dict metrics (paired differences, compute share) appear under the scorer's name
with their keys prefixed by the metric name (``cot_gain``, ``cot_gain_lower``...). ``estimate``
hides that difference so tests, model cards and reports read every metric the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from inspect_ai.log import EvalLog, EvalScore


@dataclass(frozen=True)
class Estimate:
    """A metric value with its 95 % interval and the number of samples behind it."""

    value: float
    lower: float
    upper: float
    n: float

    def __str__(self) -> str:
        if math.isnan(self.lower):
            return f"{self.value:.3f}"
        n = "" if math.isnan(self.n) else f" (n={int(self.n)})"
        return f"{self.value:.3f} [{self.lower:.3f}, {self.upper:.3f}]{n}"

    def contains(self, x: float) -> bool:
        return self.lower <= x <= self.upper


def _value(metrics: dict[str, float], key: str) -> float:
    return metrics.get(key, math.nan)


def metric_values(score: EvalScore) -> dict[str, float]:
    """A scorer's metrics by bare name. The harness's own metrics are registered in the
    ``cot_harness`` package, so Inspect names them ``cot_harness/wilson_ci_lower``; logs of
    earlier versions have the bare name. Both read alike here."""
    return {key.removeprefix("cot_harness/"): float(value.value) for key, value in score.metrics.items()}


def estimate(log: EvalLog, key: str) -> Estimate:
    """The estimate of metric ``key`` (a score key such as ``aoc`` or a paired metric name)."""
    if log.results is None:
        raise ValueError(f"{log.location}: log has no results (status {log.status})")
    for score in log.results.scores:
        metrics = metric_values(score)
        if score.name == key and "mean" in metrics:
            interval = "bootstrap_ci" if "bootstrap_ci_lower" in metrics else "wilson_ci"
            return Estimate(_value(metrics, "mean"), _value(metrics, f"{interval}_lower"),
                            _value(metrics, f"{interval}_upper"), _value(metrics, "count"))
        if key in metrics:
            return Estimate(_value(metrics, key), _value(metrics, f"{key}_lower"),
                            _value(metrics, f"{key}_upper"), _value(metrics, f"{key}_n"))
    known = sorted({s.name for s in log.results.scores} | {k for s in log.results.scores for k in metric_values(s)})
    raise KeyError(f"{log.location}: no metric {key!r}; the log has {', '.join(known)}")
