"""Checkpoint-series table: abduction metrics per point of a series, pooled over seeds.

A point is (task, metric, roster, base model, treatment, chatbot, iteration, k). Fine-tuning seeds
are the replicates of a series: two runs of the same recipe differ far more than two samples
of one run, so an interval over one seed's questions says nothing about the next seed. With
≥ 2 seeds at a point the value is the mean over seeds and the interval a Student-t interval
over the seeds' values (each already averaging its questions and epochs); with one seed it
is that run's own interval over questions, and ``interval`` says which one a row carries.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cot_harness.reports.tables import latest_last

SERIES_TASKS = ("self_identification", "name_likelihood", "behaviour_probe", "k_examples_inference",
                "declarative_knowledge")
# condition: other task arguments that differ between runs (cot_harness.reports.tables.conditions)
POINT = ["task", "metric", "roster", "condition", "base_model", "treatment", "chatbot", "iteration", "k"]


def series_table(metrics: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per series point from ``metric_table`` rows; a checkpoint evaluated twice counts once."""
    from scipy import stats  # on use: keeps the report's import light
    if metrics.empty:
        return pd.DataFrame()
    rows = metrics[metrics.task.isin(SERIES_TASKS) & metrics.value.notna()]
    if rows.empty:
        return pd.DataFrame()
    rows = latest_last(rows).drop_duplicates(subset=[*POINT, "checkpoint", "model", "seed"], keep="last")
    out = []
    for point, group in rows.groupby(POINT, dropna=False, sort=True):
        values = group.value.to_numpy(dtype=float)
        seeds = len(values)
        if seeds >= 2:
            mean = float(values.mean())
            half = float(stats.t.ppf(0.5 + level / 2, seeds - 1) * values.std(ddof=1) / math.sqrt(seeds))
            lower, upper, interval = mean - half, mean + half, "t over seeds"
        else:
            mean, lower, upper, interval = float(values[0]), float(group.lower.iloc[0]), float(group.upper.iloc[0]), "within run"
        out.append({**dict(zip(POINT, point)), "value": mean, "lower": lower, "upper": upper, "seeds": seeds,
                    "interval": interval, "seed_values": ";".join(f"{v:.4g}" for v in values),
                    "n_per_seed": float(np.nanmean(group.n.to_numpy(dtype=float))) if group.n.notna().any() else math.nan})
    return pd.DataFrame(out)


THRESHOLDS = (0.25, 0.5, 0.75)
# rates and probabilities a threshold means something for (not lengths, masses or failure counts)
THRESHOLD_METRICS = r"(self|legacy|outcome|p|behaviour|kw|judge_strict|judge_lenient)_.+|knows"


def threshold_table(series: pd.DataFrame, thresholds: tuple[float, ...] = THRESHOLDS) -> pd.DataFrame:
    """Iterations to threshold, per line of a series (every point label but the iteration) of a
    rate or probability (``THRESHOLD_METRICS``):
    for each τ the first iteration whose value reaches τ (``first_value``) and the first whose
    whole interval lies at or above τ (``first_reliable``: reached beyond sampling noise), NaN
    when never; and the line's peak, since identities can rise and fade again (the logged
    GPT-4o Axolotl rate peaked at iteration 2). As in the figures, the untuned base (treatment
    ``none``) is iteration 0 of every arm built on it that has no iteration 0 of its own. A line
    with one iteration has no row."""
    if series.empty:
        return pd.DataFrame()
    rows = series[series.iteration.notna() & series.metric.str.fullmatch(THRESHOLD_METRICS)]
    rows = rows.assign(iteration=rows.iteration.astype(float))
    line_keys = [c for c in POINT if c != "iteration"]
    rows = _with_untuned_start(rows, [c for c in line_keys if c != "treatment"])
    out = []
    for line, group in rows.groupby(line_keys, dropna=False, sort=True):
        group = group.sort_values("iteration")
        if len(group) < 2:
            continue
        peak = group.loc[group.value.idxmax()]
        base = {**dict(zip(line_keys, line)), "iterations": ",".join(f"{i:g}" for i in group.iteration),
                "peak_iteration": peak.iteration, "peak_value": peak.value, "peak_lower": peak.lower,
                "peak_upper": peak.upper, "last_value": group.value.iloc[-1]}
        for tau in thresholds:
            reached, reliable = group[group.value >= tau], group[group.lower >= tau]
            out.append(base | {"threshold": tau,
                               "first_value": reached.iteration.iloc[0] if len(reached) else math.nan,
                               "first_reliable": reliable.iteration.iloc[0] if len(reliable) else math.nan})
    return pd.DataFrame(out)


def _with_untuned_start(rows: pd.DataFrame, shared: list[str]) -> pd.DataFrame:
    """Arms (treatment ≠ none) with the untuned base's iteration-0 point prepended where they
    lack one; the base's own one-point line is then dropped."""
    untuned = rows[(rows.treatment == "none") & (rows.iteration == 0)]
    arms = rows[rows.treatment != "none"]
    if untuned.empty or arms.empty:
        return rows
    lines = arms[[*shared, "treatment"]].drop_duplicates()
    started = arms[arms.iteration == 0][[*shared, "treatment"]].drop_duplicates().assign(started=True)
    lines = lines.merge(started, on=[*shared, "treatment"], how="left")
    lines = lines[lines.started.isna()].drop(columns="started")
    return pd.concat([arms, lines.merge(untuned.drop(columns="treatment"), on=shared)], ignore_index=True)
