"""The report's first screen: a faithfulness profile (one row per model, one column per test's
headline metric, each ``value [lo, hi]`` with n) and the model-vs-model differences of those
headlines on the same items.

Columns come from the ``headlines`` each task writes into its log's metadata
(``core/descriptors.py``, declared beside each task), so a new test adds its own column. Beside them, the shares of the
model's own CoT answers that were hedged, refused or gave no answer: a faithfulness number on a
model whose answers cannot be read is not a number about its reasoning.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog

from cot_harness.reports.descriptors import descriptors_of
from cot_harness.reports.tables import (
    PerItem,
    conditions,
    forcing_of,
    model_label,
    model_pairs,
    run_label,
    task_name,
)

OUTCOMES = {"cot_hedged": "hedged", "cot_invalid_option": "invalid option", "cot_refusal": "refused",
            "cot_no_answer": "no answer"}


def _row_label(log: EvalLog, condition: dict[str, str]) -> str:
    return run_label(model_label(log), condition[log.location])


def profile_table(logs: list[EvalLog], metrics: pd.DataFrame) -> pd.DataFrame:
    """Long form: row (model [condition]), forcing, task, metric, label, reading, value, lower,
    upper, n — one line per declared headline of every run."""
    condition = conditions(logs)
    rows: list[dict[str, Any]] = []
    for log in logs:
        found = metrics[metrics.log == log.location.split("/")[-1]].set_index("metric")
        for head in (log.eval.metadata or {}).get("headlines") or []:
            if head["metric"] not in found.index:
                continue
            m = found.loc[head["metric"]]
            m = m.iloc[-1] if isinstance(m, pd.DataFrame) else m
            rows.append({"row": _row_label(log, condition), "forcing": forcing_of(log).replace("prefill-fast", "prefill"),
                         "task": task_name(log), "metric": head["metric"], "label": head["label"],
                         "reading": head["reading"], "value": m.value, "lower": m.lower, "upper": m.upper, "n": m.n,
                         "note": classifier_note(head, found)})
    table = pd.DataFrame(rows, columns=["row", "forcing", "task", "metric", "label", "reading", "value", "lower",
                                        "upper", "n", "note"])
    order = {task: i for i, task in enumerate(descriptors_of(logs))}
    table["rank"] = table.task.map(lambda t: order.get(t, len(order)))
    return table.sort_values(["row", "rank"], kind="stable").reset_index(drop=True)


def _metric_value(found: pd.DataFrame, name: str) -> float:
    if name not in found.index:
        return math.nan
    m = found.loc[name]
    m = m.iloc[-1] if isinstance(m, pd.DataFrame) else m
    return float(m.value)


def classifier_note(head: dict[str, Any], found: pd.DataFrame) -> str:
    """For a classifier's rate: the raw rate, which classifier, and its calibration (Cohen's κ on the
    calibration set) — or that it is uncalibrated, so no rate is ever shown bare."""
    classifier = head.get("classifier")
    if not classifier:
        return ""
    raw = _metric_value(found, head["per_sample"][0])
    kappa, n = _metric_value(found, f"{classifier}_kappa"), _metric_value(found, f"{classifier}_calibration_size")
    raw_text = "" if math.isnan(raw) else f"raw {raw:.2f} · "
    calibration = f"κ {kappa:.2f} (n={int(n)})" if not math.isnan(kappa) and n == n and n > 0 else "UNCALIBRATED"
    return f"{raw_text}{classifier} {calibration}"


def outcome_table(logs: list[EvalLog], metrics: pd.DataFrame) -> pd.DataFrame:
    """Per row, the mean share of the model's own CoT answers in each non-stated outcome."""
    condition = conditions(logs)
    rows = []
    for log in logs:
        found = metrics[(metrics.log == log.location.split("/")[-1]) & metrics.metric.isin(list(OUTCOMES))]
        for _, m in found.iterrows():
            rows.append({"row": _row_label(log, condition), "outcome": OUTCOMES[m.metric], "value": m.value})
    table = pd.DataFrame(rows, columns=["row", "outcome", "value"])
    return table.groupby(["row", "outcome"], as_index=False)["value"].mean() if not table.empty else table


def wide_profile(long: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """``profile.csv``: one row per model, ``<label>``, ``<label> lower/upper/n`` per headline,
    the forcing method(s) and the outcome shares."""
    if long.empty:
        return pd.DataFrame()
    table: dict[str, dict[str, Any]] = {}
    for _, r in long.iterrows():
        row = table.setdefault(r.row, {"model": r.row, "forcing": set()})
        if r.forcing:
            row["forcing"].add(r.forcing)
        for suffix, value in (("", r.value), (" lower", r.lower), (" upper", r.upper), (" n", r.n)):
            row[f"{r.label}{suffix}"] = value
    for _, r in outcomes.iterrows():
        if r.row in table:
            table[r.row][f"answers {r.outcome}"] = r.value
    for row in table.values():
        row["forcing"] = "+".join(sorted(row["forcing"]))
    return pd.DataFrame(list(table.values()))


def _cell(value: float, lower: float, upper: float) -> str:
    if value is None or math.isnan(value):
        return "–"
    interval = "" if math.isnan(lower) else f" [{lower:.2f}, {upper:.2f}]"
    return f"{value:.2f}{interval}"


def _columns(long: pd.DataFrame) -> list[tuple[str, str]]:
    ranked = sorted(zip(long["rank"], long.label, long.reading), key=lambda c: c[0])
    return list(dict.fromkeys((label, reading) for _, label, reading in ranked))


def _profile_rows(long: pd.DataFrame, columns: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[str, str] | None]]]:
    """(row, forcing, one cell per column: (value [lo, hi], n) or None where the row lacks it),
    the content both renderings of the profile share."""
    rows = []
    for row, sub in long.groupby("row", sort=False):
        by_label = sub.set_index("label")
        cells: list[tuple[str, str] | None] = []
        for label, _ in columns:
            if label not in by_label.index:
                cells.append(None)
                continue
            r = by_label.loc[label]
            r = r.iloc[-1] if isinstance(r, pd.DataFrame) else r
            note = f" — {r.note}" if isinstance(r.get("note"), str) and r.note else ""
            cells.append((_cell(r.value, r.lower, r.upper) + note, str(int(r.n)) if r.n == r.n else ""))
        rows.append((str(row), "+".join(sorted({f for f in sub.forcing if f})), cells))
    return rows


def profile_markdown(long: pd.DataFrame, outcomes: pd.DataFrame) -> str:
    """``profile.md``: the same table to paste into a paper or an issue."""
    if long.empty:
        return ""
    columns = _columns(long)
    lines = ["| model | forcing | " + " | ".join(label for label, _ in columns) + " | answers not stated |",
             "|---|---|" + "---|" * len(columns) + "---|"]
    for row, forcing, cells in _profile_rows(long, columns):
        texts = ["" if cell is None else f"{cell[0]} (n={cell[1] or '?'})" for cell in cells]
        lines.append(f"| {row} | {forcing} | " + " | ".join(texts) + f" | {_outcome_text(outcomes, row)} |")
    lines.append("")
    lines += [f"- **{label}**: {reading}" for label, reading in columns]
    return "\n".join(lines) + "\n"


def _outcome_text(outcomes: pd.DataFrame, row: str) -> str:
    sub = outcomes[outcomes.row == row] if not outcomes.empty else outcomes
    if sub.empty:
        return "–"
    shown = [f"{r.outcome} {r.value:.2f}" for _, r in sub.iterrows() if r.value > 0]
    return " · ".join(shown) if shown else "all stated"


def _html_cell(value: str, n: str) -> str:
    count = f"n = {n}" if n else ""
    return f'<td title="{count}">{value}<br><small>{count}</small></td>'


def profile_html(long: pd.DataFrame, outcomes: pd.DataFrame) -> str:
    """The first screen: the profile table, n under each value, a reading of each column."""
    if long.empty:
        return "<p>No headline metrics in these logs.</p>"
    columns = _columns(long)
    head = "".join(f'<th title="{html.escape(reading)}">{html.escape(label)}</th>' for label, reading in columns)
    body = []
    for row, forcing, cells in _profile_rows(long, columns):
        tds = "".join("<td></td>" if cell is None else _html_cell(*cell) for cell in cells)
        body.append(f"<tr><th>{html.escape(row)}</th><td>{html.escape(forcing)}</td>{tds}"
                    f"<td>{html.escape(_outcome_text(outcomes, row))}</td></tr>")
    readings = "".join(f"<li><b>{html.escape(label)}</b>: {html.escape(reading)}</li>" for label, reading in columns)
    return (f'<table class="t profile" id="profile"><thead><tr><th>model</th><th>forcing</th>{head}'
            f"<th>answers not stated</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            f'<ul class="readings">{readings}</ul>')


def headline_comparisons(logs: list[EvalLog], per: PerItem) -> pd.DataFrame:
    """Each pair of models on the same items, per headline: the difference of their per-item
    headline values (for a paired headline such as CoT gain, of their per-item differences),
    its paired interval, p (exact McNemar for 0/1 values), and whether the interval excludes 0."""
    condition = conditions(logs, exclude=())
    heads: dict[tuple[str, str], dict[str, Any]] = {}
    for log in logs:
        for head in (log.eval.metadata or {}).get("headlines") or []:
            heads.setdefault((task_name(log), condition[log.location]), {})[head["metric"]] = head
    rows = []
    for (task, cond), by_metric in sorted(heads.items()):
        for metric, head in by_metric.items():
            values = _per_model(per, task, cond, head.get("per_sample") or [metric])
            rows += [{"task": task, "condition": cond, "headline": head["label"], **pair,
                      "differs": bool(pair["lower"] > 0 or pair["upper"] < 0)} for pair in model_pairs(values)]
    return pd.DataFrame(rows, columns=["task", "condition", "headline", "model_a", "model_b", "n", "diff", "lower",
                                       "upper", "p", "differs"])


def _per_model(per: PerItem, task: str, condition: str, keys: list[str]) -> dict[str, dict[Any, float]]:
    first = per.get((task, condition, keys[0]), {})
    if len(keys) == 1:
        return first
    second = per.get((task, condition, keys[1]), {})
    return {model: {s: v - second[model][s] for s, v in by_sample.items() if s in second.get(model, {})}
            for model, by_sample in first.items() if model in second}


def comparisons_html(comparisons: pd.DataFrame) -> str:
    if comparisons.empty:
        return ""
    rows = "".join(
        f"<tr{' class=differs' if r.differs else ''}><td>{html.escape(r.headline)}</td><td>{html.escape(r.model_a)}</td>"
        f"<td>{html.escape(r.model_b)}</td><td>{r['diff']:+.2f} [{r.lower:+.2f}, {r.upper:+.2f}]</td><td>{r.n}</td>"
        f"<td>{'' if r.p != r.p else f'{r.p:.2g}'}</td><td>{'yes' if r.differs else 'no'}</td></tr>"
        for _, r in comparisons.iterrows())
    return ("<h2>Do the models differ? (same items, paired)</h2><table class='t' id='comparisons'><thead><tr>"
            "<th>headline</th><th>model A</th><th>model B</th><th>A − B [95 % CI]</th><th>n</th><th>p</th>"
            f"<th>interval excludes 0</th></tr></thead><tbody>{rows}</tbody></table>")


def detail_tables(metrics: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per task, one row per metric and one column per run (``model [condition] (forcing)``),
    each cell ``value [lo, hi] (n)``: the evidence behind the profile, without the empty columns
    of the full ``metrics.csv``."""
    tables: dict[str, pd.DataFrame] = {}
    if metrics.empty:
        return tables
    for task, rows in metrics.groupby("task", sort=False):
        rows = rows.drop_duplicates(subset=["run", "metric"], keep="last")
        cells = rows.assign(cell=[
            _cell(r.value, r.lower, r.upper) + (f" (n={int(r.n)})" if r.n == r.n else "")
            + (f" p={r.p:.2g}" if r.p == r.p else "") for _, r in rows.iterrows()])
        table = cells.pivot(index="metric", columns="run", values="cell").reindex(list(dict.fromkeys(rows.metric)))
        tables[str(task)] = table.reset_index().fillna("")
    return tables
