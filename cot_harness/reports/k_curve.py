"""Experiment 1 as a curve: self-identification against k in-context examples, logistic fit.

logit P(asserts name X) = a + b·k. The intercept a is the model's prior for X with no
evidence; the slope b is the evidence one example in X's style adds (log-odds per example).
Fitted by Firth's penalised likelihood (``cot_harness.core.stats.firth_logistic``: finite when a rate
is 0 or 1) to every answer of every k, with profile-likelihood intervals widened by the design
effect of the identity questions, which recur at every k: questions, not answers, are the
independent units (``cot_harness.core.stats.profile_logistic``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from inspect_ai.log import EvalLog

from cot_harness.core.stats import clustered_wilson_interval, profile_logistic
from cot_harness.reports.tables import LABELS, as_text, conditions, labels, model_label, task_name

TASK = "k_examples_inference"
FITTED_PREFIX = "self_"
# what separates one curve from another: every label but k (the curve's x)
CURVE = ["model", "condition", *[label for label in LABELS if label != "k"], "metric"]


def k_counts(logs: list[EvalLog]) -> pd.DataFrame:
    """One row per (curve, k, question): successes and trials (answers over epochs) of every
    ``self_<name>`` score of the ``k_examples_inference`` logs, and the figure panel the curve
    is drawn in; a re-run's latest log wins."""
    logs = sorted((log for log in logs if task_name(log) == TASK), key=lambda log: log.location)
    condition = conditions(logs, exclude=("k", "chatbot"))
    found: dict[tuple[Any, ...], dict[Any, list[float]]] = {}
    for log in logs:
        base = {"model": model_label(log), "condition": condition[log.location]} | labels(log)
        if base["k"] is None:
            raise ValueError(f"{log.location}: a {TASK} log without k in its task arguments or metadata")
        counts: dict[tuple[Any, ...], dict[Any, list[float]]] = {}
        for sample in log.samples or []:
            for score in (sample.scores or {}).values():
                for key, value in (score.value if isinstance(score.value, dict) else {}).items():
                    if key.startswith(FITTED_PREFIX) and isinstance(value, int | float) and not math.isnan(value):
                        point = tuple(base[c] for c in CURVE[:-1]) + (key, int(base["k"]))
                        tally = counts.setdefault(point, {}).setdefault(sample.id, [0.0, 0.0])
                        tally[0] += float(value)
                        tally[1] += 1.0
        found.update(counts)  # a later log of the same (curve, k) replaces the earlier one
    rows = [dict(zip([*CURVE, "k"], point)) | {"question": question, "successes": s, "trials": t}
            for point, by_question in found.items() for question, (s, t) in by_question.items()]
    table = pd.DataFrame(rows, columns=[*CURVE, "k", "question", "successes", "trials"])
    return table.assign(panel=_panels(table))


def fit_curve(counts: pd.DataFrame) -> dict[str, float | str]:
    """Firth fit of one curve's ``k_counts`` rows with profile-likelihood intervals widened by
    the questions' design effect (``cot_harness.core.stats.profile_logistic``)."""
    from scipy.special import expit  # on use: keeps the report's import light
    table = counts.pivot_table(index="question", columns="k", values=["successes", "trials"], aggfunc="sum", fill_value=0)
    ks = np.array(table["trials"].columns, dtype=float)
    fit = profile_logistic(ks, table["successes"].to_numpy(float), table["trials"].to_numpy(float))
    prior = {f"prior{end}": float(expit(fit[f"intercept{end}"])) for end in ("", "_lower", "_upper")}
    return {"ks": ",".join(f"{k:g}" for k in ks), "questions": len(table),
            "answers": float(table["trials"].to_numpy().sum()), **fit, **prior}


def _panels(counts: pd.DataFrame) -> pd.Series:
    """A figure panel per curve set: checkpoint and chatbot shown, plus any other label that varies."""
    panel = counts.model.astype(str) + " · shown " + as_text(counts.chatbot)
    for column in CURVE:
        if column not in ("model", "chatbot", "metric") and counts[column].nunique(dropna=False) > 1:
            panel = panel + " · " + as_text(counts[column])
    return panel


def k_fit_table(counts: pd.DataFrame) -> pd.DataFrame:
    """One fitted curve per (checkpoint, condition, chatbot, name) with ≥ 2 values of k."""
    rows = []
    for curve, group in counts.groupby([*CURVE, "panel"], dropna=False, sort=True):
        if group.k.nunique() >= 2:
            rows.append(dict(zip([*CURVE, "panel"], curve)) | fit_curve(group))
    return pd.DataFrame(rows)


def k_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """The points under the curves: rate per (curve, k) with its Wilson interval at the
    effective number of answers (questions are the clusters)."""
    rows = []
    for point, group in counts.groupby([*CURVE, "panel", "k"], dropna=False, sort=True):
        lower, upper = clustered_wilson_interval((group.successes / group.trials).tolist(), group.trials.astype(int).tolist())
        rows.append(dict(zip([*CURVE, "panel", "k"], point)) | {
            "value": group.successes.sum() / group.trials.sum(), "lower": lower, "upper": upper, "questions": len(group)})
    return pd.DataFrame(rows)
