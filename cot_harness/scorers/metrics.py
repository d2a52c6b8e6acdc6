"""Inspect metrics over per-sample score dicts: means with seeded intervals, paired tests.

Per-key metrics (``{"aoc": [mean(), bootstrap_ci()]}``) receive one float per sample; a
value of NaN means "not applicable to this sample" and Inspect counts it as unscored, so
every key's n is in the log. Whole-dict metrics (``paired_difference``) read several keys of
the same sample and drop a pair only when either side is NaN.
"""

from __future__ import annotations

import math

import numpy as np
from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    ScoreReducer,
    Value,
    mean_score,
    metric,
    score_reducer,
)

from cot_harness.core.defaults import DEFAULT_SEED
from cot_harness.core.stats import (
    bootstrap_mean_ci,
    bootstrap_ratio,
    clustered_wilson_interval,
    paired_estimate,
)


def _floats(scores: list[SampleScore]) -> list[float]:
    return [float(s.score.as_float()) for s in scores]


def _clusters(scores: list[SampleScore], cluster: str | None) -> list[str] | None:
    if cluster is None:
        return None
    keys = []
    for s in scores:
        metadata = s.sample_metadata or {}
        if cluster not in metadata:
            raise ValueError(f"sample {s.sample_id} has no metadata key {cluster!r} to cluster on")
        keys.append(str(metadata[cluster]))
    return keys


@metric
def bootstrap_ci(level: float = 0.95, seed: int = DEFAULT_SEED, cluster: str | None = None) -> Metric:
    """Percentile bootstrap interval of the mean (resampling clusters when ``cluster`` is set)."""

    def compute(scores: list[SampleScore]) -> Value:
        lower, upper = bootstrap_mean_ci(_floats(scores), _clusters(scores, cluster), level, seed=seed)
        return {"lower": lower, "upper": upper}

    return compute


@metric
def wilson_ci(level: float = 0.95, key: str | None = None) -> Metric:
    """Wilson interval for a proportion of 0/1 values (exact n, no resampling). Where the
    epochs were reduced by ``mean_counting_draws``, each sample's value is a mean over its
    draws of ``key`` and the interval uses the effective number of draws
    (``clustered_wilson_interval``); otherwise each sample counts as one draw."""

    def compute(scores: list[SampleScore]) -> Value:
        values = _floats(scores)
        draws = [int(((s.score.metadata or {}).get("draws") or {}).get(key, 1)) if key else 1 for s in scores]
        lower, upper = clustered_wilson_interval(values, draws, level)
        return {"lower": lower, "upper": upper}

    return compute


@score_reducer(name="mean_counting_draws")
def mean_counting_draws() -> ScoreReducer:
    """Inspect's mean over epochs, plus how many epochs each key was defined in (not NaN),
    in ``metadata["draws"]``: what ``wilson_ci(key=…)`` needs to size a rate's interval."""
    mean = mean_score()

    def reduce(scores: list[Score]) -> Score:
        reduced = mean(scores)
        draws: dict[str, int] = {}
        for score in scores:
            if isinstance(score.value, dict):
                for key, value in score.value.items():
                    if isinstance(value, int | float) and not math.isnan(float(value)):
                        draws[key] = draws.get(key, 0) + 1
        reduced.metadata = {**(reduced.metadata or {}), "draws": draws}
        return reduced

    return reduce


@metric
def count() -> Metric:
    """n: how many samples this key was defined for (not NaN)."""

    def compute(scores: list[SampleScore]) -> Value:
        return float(len(scores))

    return compute


def _pairs(scores: list[SampleScore], a: str, b: str) -> tuple[list[float], list[float], list[SampleScore]]:
    left: list[float] = []
    right: list[float] = []
    kept: list[SampleScore] = []
    for s in scores:
        value = s.score.value
        if not isinstance(value, dict):
            raise TypeError(f"paired metric needs dict scores, got {type(value).__name__}")
        x, y = value.get(a), value.get(b)
        if x is None or y is None or math.isnan(float(x)) or math.isnan(float(y)):
            continue
        left.append(float(x))
        right.append(float(y))
        kept.append(s)
    return left, right, kept


def paired_difference_ci(
    a: str, b: str, name: str, level: float = 0.95, seed: int = DEFAULT_SEED, cluster: str | None = None
) -> Metric:
    """A metric called ``name``: mean of ``a − b`` over samples with both defined, its paired
    interval, n, and — when both keys are 0/1 — the exact McNemar p-value. The interval is
    Newcombe's for 0/1 pairs and a paired (cluster) bootstrap otherwise (averaged epochs,
    continuous values, or a ``cluster``)."""

    def compute(scores: list[SampleScore]) -> Value:
        left, right, kept = _pairs(scores, a, b)
        diff, lower, upper, p = paired_estimate(left, right, _clusters(kept, cluster), level, seed)
        # Keys carry the metric's name: Inspect flattens whole-dict metrics into one namespace
        # per scorer, so bare "diff"/"lower" of two paired metrics would collide.
        result: dict[str, float] = {name: diff, f"{name}_lower": lower, f"{name}_upper": upper,
                                    f"{name}_n": float(len(left))}
        if not math.isnan(p):
            result[f"{name}_mcnemar_p"] = p
        return result

    @metric(name=name)
    def named() -> Metric:
        return compute

    return named()


def _complete_rows(scores: list[SampleScore], keys: tuple[str, ...]) -> list[list[float]]:
    rows = []
    for s in scores:
        value = s.score.value
        assert isinstance(value, dict)
        row = [float(value.get(k, math.nan)) for k in keys]
        if not any(math.isnan(v) for v in row):
            rows.append(row)
    return rows


def compute_share(
    filler: str, no_cot: str, cot: str, level: float = 0.95, seed: int = DEFAULT_SEED
) -> Metric:
    """(acc_filler − acc_noCoT) / (acc_CoT − acc_noCoT): the share of the CoT's accuracy gain
    that filler of the same length recovers ("extra computation"); NaN when the CoT gives no gain."""

    def ratio(sample: np.ndarray) -> float:
        f, z, c = sample.mean(axis=0)
        return float((f - z) / (c - z)) if c != z else math.nan

    @metric(name="compute_share")
    def named() -> Metric:
        def compute(scores: list[SampleScore]) -> Value:
            return bootstrap_ratio(_complete_rows(scores, (filler, no_cot, cot)), ratio, "compute_share", level, seed)

        return compute

    return named()


def normalised_lift(a: str, b: str, level: float = 0.95, seed: int = DEFAULT_SEED) -> Metric:
    """(mean a − mean b) / (1 − mean b): the share of what ``b`` gets wrong that ``a`` gets right."""

    def ratio(sample: np.ndarray) -> float:
        x, y = sample.mean(axis=0)
        return float((x - y) / (1 - y)) if y != 1 else math.nan

    @metric(name="normalised_lift")
    def named() -> Metric:
        def compute(scores: list[SampleScore]) -> Value:
            return bootstrap_ratio(_complete_rows(scores, (a, b)), ratio, "normalised_lift", level, seed)

        return compute

    return named()


def rate_metrics(key: str | None = None) -> list[Metric]:
    """A proportion: mean, Wilson interval (over draws of ``key`` where epochs were counted), n."""
    return [_mean(), wilson_ci(key=key), count()]


def mean_metrics(cluster: str | None = None) -> list[Metric]:
    """A bounded continuous score: mean, seeded bootstrap interval, n."""
    return [_mean(), bootstrap_ci(cluster=cluster), count()]


def _mean() -> Metric:
    from inspect_ai.scorer import mean

    return mean()
