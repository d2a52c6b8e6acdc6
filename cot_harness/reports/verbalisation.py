"""Classifier sensitivity: does a model's hint (or bias) verbalisation depend on who grades it?

Every classifier a log carries — the keyword rules, the judge roles of the run, and any added
later with ``inspect score`` — is read from the per-sample values ``<kind>_verbalised_<classifier>``
(and their ``_thinking``/``_answer`` parts). Three tables and a figure:

* ``verbalisation_by_classifier.csv``: per task, model, hint kind (and ``all`` pooled), classifier
  and channel, the verbalisation rate among eligible answers (switched to the hint; for BIR,
  answers matching the bias) with its Wilson interval and n;
* ``judge_agreement.csv``: per task, model and kind, every pair of classifiers on the items both
  graded: raw agreement, chance agreement and Cohen's κ with a seeded bootstrap interval;
* ``ranking_stability.csv``: per task and classifier pair, whether the models' order by
  verbalisation rate survives the change of classifier (Kendall's τ; same top model);
* ``classifier_calibration.csv``: each classifier against the labelled calibration set
  (sensitivity, specificity, accuracy, κ, AC1, with intervals); the rates above carry the
  Rogan–Gladen rate corrected for that error (``corrected``), or ``calibrated`` false.

Definitions: docs/metrics.md, "Classifiers".
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog

from cot_harness.core.calibration import Confusion, calibration_summary, corrected_rate
from cot_harness.core.defaults import DEFAULT_SEED
from cot_harness.core.stats import cohen_kappa, kappa_interval, wilson_interval
from cot_harness.reports.tables import model_label, task_name

GRADED_TASKS = ("hint_verbalization", "biased_context", "bias_influence")
_KEY = re.compile(r"^(?P<kind>.+?)_verbalised_(?P<classifier>keyword_generic|keyword|judge(?:_\d+)?)"
                  r"(?:_(?P<channel>thinking|answer))?$")


def verdict_rows(logs: list[EvalLog]) -> pd.DataFrame:
    """One row per (log, sample, epoch, kind, classifier, channel) with a 0/1 verdict on an
    eligible item."""
    rows: list[dict[str, Any]] = []
    for log in logs:
        task = task_name(log)
        if task not in GRADED_TASKS:
            continue
        model = model_label(log)
        for sample in log.samples or []:
            values: dict[str, Any] = {}
            for score in (sample.scores or {}).values():
                if isinstance(score.value, dict):
                    values |= score.value
            for key, value in values.items():
                found = _KEY.match(key)
                if not found or not isinstance(value, int | float) or math.isnan(float(value)):
                    continue
                kind = found["kind"]
                matched = values.get(f"{kind}_match_biased")  # BIR: the rate is among bias-matching answers
                if matched is not None and float(matched) != 1.0:
                    continue
                rows.append({"task": task, "model": model, "item": f"{sample.id}#{sample.epoch}", "kind": kind,
                             "classifier": found["classifier"], "channel": found["channel"] or "either",
                             "verdict": int(float(value) >= 0.5)})
    return pd.DataFrame(rows, columns=["task", "model", "item", "kind", "classifier", "channel", "verdict"])


def calibration_rows(logs: list[EvalLog]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(task, model, classifier) → the calibration the run recorded for that classifier (confusion
    counts of its verbalised and mention verdicts on the calibration set, the set's source)."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for log in logs:
        task, model = task_name(log), model_label(log)
        for sample in log.samples or []:
            for score in (sample.scores or {}).values():
                for classifier, entry in ((score.metadata or {}).get("calibration") or {}).items():
                    if entry:
                        found.setdefault((task, model, classifier), entry)
    return found


def calibration_table(calibrations: dict[tuple[str, str, str], dict[str, Any]], seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """``classifier_calibration.csv``: per task, model and classifier, the classifier against the
    calibration labels — sensitivity, specificity, accuracy, Cohen's κ, Gwet's AC1 and raw
    agreement with intervals, for the verbalised verdict and for the mention verdict."""
    rows = []
    for (task, model, classifier), entry in sorted(calibrations.items()):
        for target in ("verbalised", "mentions"):
            if target not in entry:
                continue
            summary = calibration_summary(Confusion(**entry[target]), seed=seed)
            rows.append({"task": task, "model": model, "classifier": classifier, "target": target, **summary,
                         "unreadable": entry.get("unreadable", 0), "calibration": entry.get("calibration", ""),
                         "calibration_parts": entry.get("calibration_parts", ""),
                         "calibration_sha256": entry.get("calibration_sha256", "")})
    return pd.DataFrame(rows)


def corrected_rates(rates: pd.DataFrame, verdicts: pd.DataFrame,
                    calibrations: dict[tuple[str, str, str], dict[str, Any]], seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """``rates`` with the Rogan–Gladen rate of each (either-channel) row and its interval, and
    whether the classifier was calibrated; other channels keep the raw rate only."""
    if rates.empty:
        return rates.assign(calibrated=[], corrected=[], corrected_lower=[], corrected_upper=[])
    pooled = _with_pooled(verdicts)
    extra = []
    for _, r in rates.iterrows():
        entry = calibrations.get((r.task, r.model, r.classifier))
        if entry is None or r.channel != "either":
            extra.append({"calibrated": entry is not None, "corrected": math.nan, "corrected_lower": math.nan,
                          "corrected_upper": math.nan})
            continue
        group = pooled[(pooled.task == r.task) & (pooled.model == r.model) & (pooled.kind == r.kind)
                       & (pooled.classifier == r.classifier) & (pooled.channel == "either")]
        estimate, lower, upper = corrected_rate([bool(v) for v in group.verdict], Confusion(**entry["verbalised"]),
                                                seed=seed)
        extra.append({"calibrated": True, "corrected": estimate, "corrected_lower": lower, "corrected_upper": upper})
    return pd.concat([rates.reset_index(drop=True), pd.DataFrame(extra)], axis=1)


def _with_pooled(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The rows again under kind ``all`` (items keyed by kind, so a sample's kinds stay apart)."""
    pooled = verdicts.assign(item=verdicts["kind"] + ":" + verdicts["item"], kind="all")
    return pd.concat([verdicts, pooled], ignore_index=True)


def classifier_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Verbalisation rate per task, model, kind, classifier and channel, with Wilson CI and n."""
    columns = ["task", "model", "kind", "classifier", "channel", "rate", "lower", "upper", "n"]
    if verdicts.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for keys, group in _with_pooled(verdicts).groupby(["task", "model", "kind", "classifier", "channel"]):
        n, hits = len(group), int(group.verdict.sum())
        lower, upper = wilson_interval(hits, n)
        rows.append(dict(zip(columns, [*keys, hits / n, lower, upper, n])))
    return pd.DataFrame(rows, columns=columns)


def agreement_table(verdicts: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Every pair of classifiers on the items both graded (either channel): raw agreement,
    chance agreement, Cohen's κ with a seeded bootstrap interval."""
    columns = ["task", "model", "kind", "classifier_a", "classifier_b", "n", "agreement", "chance",
               "kappa", "kappa_lower", "kappa_upper"]
    either = verdicts[verdicts.channel == "either"] if not verdicts.empty else verdicts
    if either.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (task, model, kind), group in _with_pooled(either).groupby(["task", "model", "kind"]):
        wide = group.pivot_table(index="item", columns="classifier", values="verdict", aggfunc="first")
        for a, b in itertools.combinations(sorted(wide.columns), 2):
            both = wide[[a, b]].dropna()
            if both.empty:
                continue
            found = cohen_kappa(list(both[a].astype(bool)), list(both[b].astype(bool)))
            lower, upper = kappa_interval(list(both[a].astype(bool)), list(both[b].astype(bool)), seed=seed)
            rows.append({"task": task, "model": model, "kind": kind, "classifier_a": a, "classifier_b": b,
                         "n": len(both), "agreement": found["agreement"], "chance": found["chance"],
                         "kappa": found["kappa"], "kappa_lower": lower, "kappa_upper": upper})
    return pd.DataFrame(rows, columns=columns)


def ranking_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Per task (kinds pooled, either channel) and classifier pair: do the models keep their order?"""
    from scipy.stats import kendalltau  # on use: keeps the report's import light
    columns = ["task", "classifier_a", "classifier_b", "n_models", "kendall_tau", "same_top_model", "order_a",
               "order_b"]
    pooled = rates[(rates.kind == "all") & (rates.channel == "either")] if not rates.empty else rates
    rows = []
    for task, group in (pooled.groupby("task") if not pooled.empty else []):
        wide = group.pivot_table(index="model", columns="classifier", values="rate", aggfunc="first")
        if len(wide) < 2:
            continue
        for a, b in itertools.combinations(sorted(wide.columns), 2):
            both = wide[[a, b]].dropna()
            if len(both) < 2:
                continue
            tau = kendalltau(both[a], both[b]).statistic
            order_a = list(both[a].sort_values(ascending=False).index)
            order_b = list(both[b].sort_values(ascending=False).index)
            rows.append({"task": task, "classifier_a": a, "classifier_b": b, "n_models": len(both),
                         "kendall_tau": float(tau), "same_top_model": order_a[0] == order_b[0],
                         "order_a": " > ".join(order_a), "order_b": " > ".join(order_b)})
    return pd.DataFrame(rows, columns=columns)


def classifier_figure(rates: pd.DataFrame, out: Path) -> list[Path]:
    """Verbalisation rate (kinds pooled, either channel) per classifier, one bar per model."""
    from cot_harness.reports.figures import bar_figure

    pooled = rates[(rates.kind == "all") & (rates.channel == "either")] if not rates.empty else rates
    if pooled.empty or pooled.classifier.nunique() < 2:
        return []
    table = pd.DataFrame({"task": pooled.task, "metric": pooled.classifier, "value": pooled.rate,
                          "lower": pooled.lower, "upper": pooled.upper, "run": pooled.model, "log": "",
                          "p": math.nan})
    parts = [(task, ".*") for task in sorted(table.task.unique())]
    return bar_figure(table, parts, "Verbalisation among switched answers, per classifier (95 % CI)", out,
                      "verbalisation_by_classifier")
