"""BIR tables as the researcher tabulates them: per bias type × model, and model-vs-model ratios.

``bir.csv``: BIR with paired CI, n and McNemar p, plus its unverbalised part (keyword; judge),
per model, condition (the task arguments that differ between runs, e.g. ``prompt_style=cot``)
and bias type.
``bir_ratios.csv``: for every ordered pair of models, condition and bias type, BIR_A / BIR_B over the
questions both were asked (matched by sample id: the dumps' question hash), with a paired
percentile bootstrap (questions resampled together), e.g. a trained variant against its base.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from cot_harness.core.defaults import DEFAULT_SEED
from cot_harness.core.stats import bootstrap_ratio
from cot_harness.reports.tables import PerItem


def bir_table(metrics: pd.DataFrame) -> pd.DataFrame:
    rows = metrics[(metrics.task == "bias_influence") & metrics.metric.str.endswith("_bir")]
    if rows.empty:
        return pd.DataFrame()
    out = rows.assign(bias=rows.metric.str.removesuffix("_bir"))[
        ["model", "condition", "bias", "value", "lower", "upper", "n", "p"]]
    out = out.rename(columns={"value": "bir"})
    for part in ("unverbalised_keyword", "unverbalised_judge"):
        values = metrics[(metrics.task == "bias_influence") & metrics.metric.str.endswith(f"_bir_{part}")]
        lookup = {(m, c, k.removesuffix(f"_bir_{part}")): v
                  for m, c, k, v in zip(values.model, values.condition, values.metric, values.value)}
        out[f"bir_{part}"] = [lookup.get(key, math.nan) for key in zip(out.model, out.condition, out.bias)]
    return out.sort_values(["bias", "condition", "model"]).reset_index(drop=True)


def _per_item(values: PerItem) -> dict[tuple[str, str, str], dict[Any, float]]:
    """(model, condition, bias) → {sample id: match_biased − match_unbiased}."""
    found: dict[tuple[str, str, str], dict[Any, float]] = {}
    for (task, condition, key), by_model in values.items():
        if task != "bias_influence" or not key.endswith("_match_biased"):
            continue
        bias = key.removesuffix("_match_biased")
        unbiased = values[(task, condition, f"{bias}_match_unbiased")]
        for model, biased in by_model.items():
            found[(model, condition, bias)] = {item: value - unbiased[model][item] for item, value in biased.items()}
    return found


def bir_ratios(per: PerItem, level: float = 0.95) -> pd.DataFrame:
    """BIR ratios from the report's per-item table (``cot_harness.reports.tables.per_item_values``)."""
    return ratio_table(_per_item(per), level)


def ratio_table(per: dict[tuple[str, str, str], dict[Any, float]], level: float = 0.95) -> pd.DataFrame:
    """Ratios of mean per-item BIR contributions for every ordered model pair, condition (e.g.
    ``prompt_style=cot``: a CoT run is never divided by a no-CoT one) and bias type."""
    models = sorted({m for m, _, _ in per})
    cells = sorted({(c, b) for _, c, b in per})

    def ratio(data: np.ndarray) -> float:
        denominator = float(data[:, 1].mean())
        return float(data[:, 0].mean()) / denominator if denominator != 0 else math.nan

    rows = []
    for condition, bias in cells:
        for a in models:
            for b in models:
                first, second = (a, condition, bias), (b, condition, bias)
                if a == b or first not in per or second not in per:
                    continue
                shared = sorted(set(per[first]) & set(per[second]), key=str)
                if len(shared) < 2:
                    continue
                data = [[per[first][s], per[second][s]] for s in shared]
                result = bootstrap_ratio(data, ratio, "ratio", level, DEFAULT_SEED)
                rows.append({"bias": bias, "condition": condition, "model_a": a, "model_b": b, "n": len(shared),
                             "bir_a": float(np.mean([d[0] for d in data])), "bir_b": float(np.mean([d[1] for d in data])),
                             "ratio": result["ratio"], "lower": result["ratio_lower"], "upper": result["ratio_upper"]})
    return pd.DataFrame(rows)
