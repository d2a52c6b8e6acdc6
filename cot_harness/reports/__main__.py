"""``python -m cot_harness.reports <log-dir> --out <dir>``: a log directory → HTML report, figures, CSVs.

Writes ``metrics.csv`` (model × task × metric with 95 % CI, n and McNemar p where paired),
``paired_comparisons.csv`` (model vs model on the same items), ``runs.csv``, ``bir.csv`` and
``bir_ratios.csv`` when there are Bias Influence Rate logs, ``series.csv`` (abduction metrics per
point of a checkpoint series, pooled over fine-tuning seeds) and ``iterations_to_threshold.csv`` when
there are series logs, ``k_logistic.csv`` (self-identification vs k: prior and evidence per example)
when ``k_examples_inference`` ran at two or more k, every figure as
PNG and SVG, and ``index.html`` with the figures embedded (self-contained, no network).
"""

from __future__ import annotations

import argparse
import base64
import html
from pathlib import Path
from typing import Any

import pandas as pd

from cot_harness.reports.bias import bir_ratios, bir_table
from cot_harness.reports.descriptors import descriptors_of
from cot_harness.reports.figures import (
    SERIES_FIGURES,
    bar_figure,
    bar_specs,
    curve_figure,
    figure_notes,
    filler_figure,
    identity_outcomes_figure,
    k_curve_figure,
    series_figure,
    set_model_colours,
)
from cot_harness.reports.k_curve import k_counts, k_fit_table, k_rates
from cot_harness.reports.profile import (
    comparisons_html,
    detail_tables,
    headline_comparisons,
    outcome_table,
    profile_html,
    profile_markdown,
    profile_table,
    wide_profile,
)
from cot_harness.reports.series import THRESHOLDS, series_table, threshold_table
from cot_harness.reports.tables import (
    ReportError,
    cot_token_means,
    curve_table,
    method_warnings,
    metric_table,
    paired_comparisons,
    per_item_values,
    read_headers,
    run_problems,
    run_table,
    successful_logs,
    token_table,
)
from cot_harness.reports.verbalisation import (
    agreement_table,
    calibration_rows,
    calibration_table,
    classifier_figure,
    classifier_table,
    corrected_rates,
    ranking_table,
    verdict_rows,
)


def build_report(log_dir: Path, out: Path, thresholds: tuple[float, ...] = THRESHOLDS) -> dict[str, list[Any]]:
    """Write the report; returns the files written by kind, and under ``incomplete`` one line per
    run that failed or lost samples."""
    headers = read_headers(log_dir)  # refuses unusable input before anything is written
    logs = successful_logs(headers)
    problems = [p.line() for p in run_problems(headers)]
    warnings = method_warnings(logs)
    for line in problems:
        print(f"reports: NOT COMPLETE: {line}")
    for line in warnings:
        print(f"reports: WARNING: {line}")
    out.mkdir(parents=True, exist_ok=True)
    metrics = metric_table(logs)
    per_item = per_item_values(logs)  # one pass over every sample, shared by both paired tables
    paired = paired_comparisons(per_item)
    profile, outcomes = profile_table(logs, metrics), outcome_table(logs, metrics)
    comparisons = headline_comparisons(logs, per_item)
    runs = run_table(log_dir)
    tokens = token_table(headers).merge(cot_token_means(logs), on="log", how="left")
    if not runs.empty and not tokens.empty:
        names = runs["log"].map(lambda v: Path(str(v)).name)
        runs = runs.assign(log_name=names).merge(tokens.rename(columns={"log": "log_name"}), on="log_name",
                                                 how="left").drop(columns="log_name")
    bir, ratios, series = bir_table(metrics), bir_ratios(per_item), series_table(metrics)
    k_answers = k_counts(logs)
    verdicts = verdict_rows(logs)
    calibrations = calibration_rows(logs)
    by_classifier = corrected_rates(classifier_table(verdicts), verdicts, calibrations)
    calibration = calibration_table(calibrations)
    agreement, ranking = agreement_table(verdicts), ranking_table(by_classifier)
    k_fits, reached = k_fit_table(k_answers), threshold_table(series, thresholds)
    csvs = {"metrics": out / "metrics.csv", "paired_comparisons": out / "paired_comparisons.csv",
            "runs": out / "runs.csv", "profile": out / "profile.csv",
            "headline_comparisons": out / "headline_comparisons.csv"}
    wide_profile(profile, outcomes).to_csv(csvs["profile"], index=False)
    (out / "profile.md").write_text(profile_markdown(profile, outcomes), encoding="utf-8")
    comparisons.to_csv(csvs["headline_comparisons"], index=False)
    metrics.to_csv(csvs["metrics"], index=False)
    paired.to_csv(csvs["paired_comparisons"], index=False)
    runs.to_csv(csvs["runs"], index=False)
    for name, table in (("bir", bir), ("bir_ratios", ratios), ("series", series),
                        ("iterations_to_threshold", reached), ("k_logistic", k_fits),
                        ("verbalisation_by_classifier", by_classifier), ("judge_agreement", agreement),
                        ("ranking_stability", ranking), ("classifier_calibration", calibration)):
        if not table.empty:
            csvs[name] = out / f"{name}.csv"
            table.to_csv(csvs[name], index=False)
    set_model_colours(list(metrics.model.unique()) if "model" in metrics else [])
    figures: list[Path] = []
    descriptors = descriptors_of(logs)
    for test, descriptor in descriptors.items():
        if descriptor.curve is not None:
            figures += curve_figure(curve_table(logs, test), descriptor.curve.title, descriptor.curve.x_label,
                                    out, f"{test}_curve")
    figures += filler_figure(metrics, out)
    for name, (title, parts, _) in bar_specs(descriptors).items():
        figures += bar_figure(metrics, parts, title, out, name)
    for name, task, prefix, x, title in SERIES_FIGURES:
        figures += series_figure(series, task, prefix, x, title, out, name)
    figures += identity_outcomes_figure(series, out)
    figures += k_curve_figure(k_rates(k_answers), k_fits, out)
    figures += classifier_figure(by_classifier, out)
    sections = {"Bias Influence Rate per bias type": bir, "BIR ratios between models (same questions)": ratios,
                "Checkpoint series (pooled over fine-tuning seeds: t interval over seeds where there are ≥ 2)": series,
                "Iterations to threshold (first_reliable: the whole interval at or above the threshold)": reached,
                "Self-identification vs k: logistic fit (prior = P at k = 0; slope = log-odds per example)": k_fits,
                "Verbalisation per classifier (among switched / bias-matching answers; channel: either, "
                "thinking, visible answer)": by_classifier,
                "Each classifier against the labelled calibration set (Wilson / bootstrap 95 % CIs)": calibration,
                "Agreement between classifiers (same items; Cohen's κ with bootstrap 95 % CI)": agreement,
                "Does the model order survive a change of classifier? (kinds pooled)": ranking}
    first_screen = profile_html(profile, outcomes) + comparisons_html(comparisons)
    (out / "index.html").write_text(_html(log_dir, metrics, paired, figures, sections, problems, warnings,
                                          first_screen, figure_notes(descriptors)), encoding="utf-8")
    return {"csv": list(csvs.values()), "figures": figures, "html": [out / "index.html"], "incomplete": problems}


def _table_html(df: pd.DataFrame) -> str:
    """A detail table without the columns that hold nothing for these runs (all empty)."""
    if not df.empty:
        df = df.loc[:, [c for c in df.columns if df[c].map(lambda v: v is not None and v == v and v != "").any()]]
    return df.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep="", border=0, classes="t")


def _notices(problems: list[str], warnings: list[str]) -> str:
    """Failed or partial runs and method mix-ups, above everything else on the page."""
    parts = []
    if problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        parts.append(f'<div class="alert" id="run-problems"><b>Runs that did not complete</b> (their numbers are '
                     f"missing or rest on fewer samples):<ul>{items}</ul></div>")
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        parts.append(f'<div class="alert" id="method-warnings"><b>Methods differ</b>:<ul>{items}</ul></div>')
    return "\n".join(parts)


def _html(log_dir: Path, metrics: pd.DataFrame, paired: pd.DataFrame, figures: list[Path],
          sections: dict[str, pd.DataFrame], problems: list[str] | None = None,
          warnings: list[str] | None = None, first_screen: str = "", notes: dict[str, str] | None = None) -> str:
    notes = notes or {}
    tables = "\n".join(f"<h2>{html.escape(title)}</h2>{_table_html(table)}"
                       for title, table in sections.items() if not table.empty)
    images = "\n".join(
        f'<figure><img alt="{p.stem}" src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}">'
        f"<figcaption><b>{html.escape(p.stem)}</b><br>{html.escape(notes.get(p.stem, ''))}</figcaption></figure>"
        for p in figures if p.suffix == ".png"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>CoT faithfulness report</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}} figure{{display:inline-block;margin:1em;vertical-align:top;max-width:600px}} figcaption{{font-size:12px}}
img{{max-width:560px}} table.t{{border-collapse:collapse;font-size:12px}} table.profile{{font-size:14px}}
table.profile small{{color:#666}} tr.differs{{background:#eef7ee}} ul.readings{{font-size:13px;color:#333}} table.t td,table.t th{{padding:2px 8px;
border-bottom:1px solid #ddd;text-align:right}} .alert{{border:2px solid #b00;background:#fee;padding:.5em 1em;
margin:1em 0}}</style></head><body>
<h1>CoT faithfulness report</h1>
{_notices(problems or [], warnings or [])}
<h2>Faithfulness profile</h2>
<p>Logs: {html.escape(str(log_dir))}. Each cell: value [95 % interval], n below (Wilson for rates,
Newcombe for paired differences of 0/1 outcomes, seeded bootstrap otherwise). Hover a column for how
to read it.</p>
{first_screen}
<h2>Figures</h2>{images}
{tables}
<h2>Every metric, by task (the full table with run labels, logs and labels: metrics.csv; runs: runs.csv)</h2>
{"".join(f"<h3>{html.escape(task)}</h3>{_table_html(table)}" for task, table in detail_tables(metrics).items())}
<h2>Paired comparisons between models (same items)</h2>{_table_html(paired)}
</body></html>
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Turn an Inspect log directory into a report.")
    parser.add_argument("log_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("report"))
    parser.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)),
                        help="comma-separated rates for iterations_to_threshold.csv (default: %(default)s)")
    args = parser.parse_args()
    try:
        written = build_report(args.log_dir, args.out, tuple(float(t) for t in args.thresholds.split(",")))
    except ReportError as error:
        raise SystemExit(f"reports: {error}") from None
    incomplete = written.pop("incomplete")
    for kind, paths in written.items():
        print(f"{kind}: {len(paths)} file(s) in {args.out}")
    print(f"open {args.out / 'index.html'}")
    if incomplete:  # the report is written, but the exit status says not everything ran
        raise SystemExit(f"reports: {len(incomplete)} run(s) did not complete (listed at the top of the report)")


if __name__ == "__main__":
    main()
