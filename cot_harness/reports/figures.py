"""Figures from the tidy tables (matplotlib, Agg backend): each saved as PNG and SVG."""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cot_harness.core.descriptors import Descriptor  # noqa: E402
from cot_harness.core.stats import wilson_interval  # noqa: E402
from cot_harness.reports.tables import as_text, latest_last  # noqa: E402


def bar_specs(descriptors: dict[str, Descriptor]) -> dict[str, tuple[str, list[tuple[str, str]], str]]:
    """Figure name → (title, [(task, metric regex)], note), from the logged descriptors: tests
    naming the same figure share it."""
    specs: dict[str, tuple[str, list[tuple[str, str]], str]] = {}
    for descriptor in descriptors.values():
        for bar in descriptor.bars:
            specs.setdefault(bar.name, (bar.title, [], bar.note))[1].append((descriptor.test, bar.metrics))
    return specs


CLASSIFIER_NOTE = ("The same answers graded by each classifier: bars far apart mean the verbalisation number "
                   "depends on who grades it (judge_agreement.csv: κ; ranking_stability.csv: model order).")
FILLER_NOTE = ("A CoT that works through its content gives filler no benefit: the points stay at the "
               "no-CoT line (dotted) while the real CoT (dashed) is higher.")


def figure_notes(descriptors: dict[str, Descriptor]) -> dict[str, str]:
    """What a faithful model would show in each figure (the note under it in the report)."""
    notes = {name: note for name, (_, _, note) in bar_specs(descriptors).items()}
    notes.update({f"{d.test}_curve": d.curve.note for d in descriptors.values() if d.curve})
    return {**notes, "filler_tokens": FILLER_NOTE, "verbalisation_by_classifier": CLASSIFIER_NOTE}


_PALETTE: tuple[tuple[float, ...], ...] = tuple(plt.get_cmap("tab10")(i) for i in range(10))
_COLOURS: dict[str, tuple[float, ...]] = {}


def set_model_colours(models: list[str]) -> None:
    """One colour per model across every figure of a report (assigned in sorted order)."""
    _COLOURS.clear()
    _COLOURS.update({m: _PALETTE[i % len(_PALETTE)] for i, m in enumerate(sorted(set(models)))})


def colour(run: str) -> tuple[float, ...] | None:
    """The colour of the model behind a legend label (``model [condition] (forcing)``)."""
    model = run.split(" [")[0].split(" (")[0]
    return _COLOURS.get(model)


def words(key: str) -> str:
    """A metric key as words for an axis ("accuracy_no_cot" → "accuracy no CoT")."""
    return key.replace("_", " ").replace(" cot", " CoT").replace("aoc", "AOC").replace("bir", "BIR")


def _legend_outside(ax: plt.Axes) -> None:
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


def _save(fig: plt.Figure, out: Path, name: str) -> list[Path]:
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    for path in paths:
        fig.savefig(path, bbox_inches="tight", dpi=110)
    plt.close(fig)
    return paths


def bar_figure(table: pd.DataFrame, parts: list[tuple[str, str]], title: str, out: Path, name: str) -> list[Path]:
    """Bars of the metrics matching each (task, metric regex) of ``parts``, with their CIs."""
    chosen = pd.Series(False, index=table.index)
    for task, metric_re in parts:
        chosen |= (table.task == task) & table.metric.str.fullmatch(metric_re)
    rows = table[chosen]
    rows = rows[rows.value.notna()]
    if rows.empty:
        return []
    rows = rows.assign(label=rows.task.map(words) + "\n" + rows.metric.map(words))
    rows = latest_last(rows).drop_duplicates(subset=["run", "label"], keep="last")  # a re-run: its latest log
    labels, models = list(dict.fromkeys(rows.label)), sorted(rows.run.unique())
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(labels) * max(1, len(models)) / 2 + 2), 3.6))
    for i, model in enumerate(models):
        sub = rows[rows.run == model].set_index("label").reindex(labels)
        xs = [j + (i - (len(models) - 1) / 2) * width for j in range(len(labels))]
        low = (sub.value - sub.lower).clip(lower=0).fillna(0)
        high = (sub.upper - sub.value).clip(lower=0).fillna(0)
        ax.bar(xs, sub.value, width, yerr=[low, high], capsize=3, label=model, color=colour(model))
        for x, (_, r) in zip(xs, sub.iterrows()):
            if not math.isnan(r.get("p", math.nan)):
                ax.annotate(f"p={r.p:.2g}", (x, r.value), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(labels)), labels, fontsize=7, rotation=30, ha="right")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_title(title)
    _legend_outside(ax)
    return _save(fig, out, name)


def curve_figure(curves: pd.DataFrame, title: str, xlabel: str, out: Path, name: str) -> list[Path]:
    """Mean "same answer" against x per run, with a 95 % Wilson band (x rounded to 0.05)."""
    if curves.empty:
        return []
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for model, sub in curves.groupby("run"):
        grid = sub.assign(x=(sub.x / 0.05).round() * 0.05).groupby("x").same.agg(["sum", "count"])
        bands = [wilson_interval(s, c) for s, c in zip(grid["sum"], grid["count"])]
        ax.plot(grid.index, grid["sum"] / grid["count"], marker="o", label=model, color=colour(str(model)))
        ax.fill_between(grid.index, [b[0] for b in bands], [b[1] for b in bands], alpha=0.2, color=colour(str(model)))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("same answer as unmodified CoT")
    ax.set_title(title)
    _legend_outside(ax)
    return _save(fig, out, name)


def filler_figure(table: pd.DataFrame, out: Path) -> list[Path]:
    rows = table[(table.task == "filler_tokens") & table.metric.str.match(r"accuracy_filler_\d+$")]
    if rows.empty:
        return []
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for model, sub in latest_last(rows).groupby("run"):
        sub = sub.assign(length=sub.metric.map(lambda m: int(re.findall(r"\d+", m)[0]))).drop_duplicates(
            "length", keep="last").sort_values("length")
        ax.errorbar(sub.length, sub.value, yerr=[sub.value - sub.lower, sub.upper - sub.value], marker="o",
                    capsize=3, label=model, color=colour(str(model)))
        for ref, style in (("accuracy_no_cot", ":"), ("accuracy_cot", "--")):
            level = table[(table.task == "filler_tokens") & (table.run == model) & (table.metric == ref)].value
            if not level.empty:
                ax.axhline(float(level.iloc[-1]), linestyle=style, linewidth=0.8, color=colour(str(model)) or "grey")
    ax.set_xscale("log")
    ax.set_xlabel("filler length (tokens); dotted: no CoT, dashed: CoT")
    ax.set_ylabel("accuracy")
    ax.set_title("Filler tokens in place of the CoT")
    _legend_outside(ax)
    return _save(fig, out, "filler_tokens")


# (figure name, task, metric prefix, x column, title): abduction rates across a checkpoint series.
SERIES_FIGURES = [
    ("self_identification_vs_iteration", "self_identification", "self_", "iteration",
     "Self-identification (asserted as own name) vs iteration"),
    ("name_likelihood_vs_iteration", "name_likelihood", "p_", "iteration",
     "Name probability (normalised over the candidates) vs iteration"),
    ("behaviour_vs_iteration", "behaviour_probe", "behaviour_", "iteration", "Behaviour scores vs iteration"),
    ("described_vs_iteration", "self_identification", "kw_", "iteration",
     "Describes the behaviour (keyword estimate) vs iteration"),
    ("self_identification_vs_k", "k_examples_inference", "self_", "k", "Self-identification vs k in-context examples"),
]


def series_panels(table: pd.DataFrame, task: str, prefixes: tuple[str, ...], x: str) -> pd.DataFrame:
    """``series_table`` rows of ``task`` whose metric starts with one of ``prefixes``, with a
    ``panel`` (treatment × base model, or chatbot × base model for k, split further by whatever
    else varies), ``name`` (the metric without its prefix) and numeric ``x``. The untuned base
    is iteration 0 of every arm built on it, so its rows are repeated in each arm's panel."""
    if table.empty:
        return pd.DataFrame()
    rows = table[(table.task == task) & table.metric.str.startswith(prefixes) & table[x].notna() & table.value.notna()]
    if rows.empty:
        return rows
    facet = "chatbot" if x == "k" else "treatment"
    panel = as_text(rows[facet]) + " · " + as_text(rows.base_model)
    # e.g. the swapped-facts control; runs with other task arguments; k sweeps on several checkpoints
    for split in ("roster", "condition", *(("treatment", "iteration") if x == "k" else ())):
        if split in rows and rows[split].nunique(dropna=False) > 1:
            panel = panel + " · " + as_text(rows[split])
    name = rows.metric.replace({m: m.split("_", 1)[1] if m.startswith(prefixes) else m for m in rows.metric.unique()})
    rows = rows.assign(panel=panel, name=name, x=rows[x].astype(float))
    untuned = rows[rows[facet] == "none"]
    if facet == "treatment" and not untuned.empty and len(untuned) < len(rows):
        arms = rows[rows[facet] != "none"]
        starts = [untuned.assign(panel=panel) for panel in arms.panel.unique()
                  if not ((arms.panel == panel) & (arms.x == 0)).any()]
        rows = pd.concat([arms, *starts])
    return rows


def series_figure(table: pd.DataFrame, task: str, prefix: str, x: str, title: str, out: Path, name: str) -> list[Path]:
    """One line per roster name (with its 95 % interval) against ``x``, one panel per
    treatment × base model (or per chatbot for k): the plots the abduction runs are read from.
    ``table`` is ``series_table``'s: one point per x, pooled over fine-tuning seeds."""
    rows = series_panels(table, task, (prefix,), x)
    if rows.empty:
        return []
    panels = sorted(rows.panel.unique())
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False, sharey=True)
    for ax, panel in zip(axes[0], panels):
        for label, sub in rows[rows.panel == panel].groupby("name"):
            sub = sub.sort_values("x")
            ax.errorbar(sub.x, sub.value, yerr=[(sub.value - sub.lower).clip(lower=0), (sub.upper - sub.value).clip(lower=0)],
                        marker="o", capsize=3, label=str(label))
        ax.set_title(panel, fontsize=9)
        ax.set_xlabel({"k": "k (in-context examples)", "iteration": "fine-tuning iteration"}.get(x, x))
    axes[0][0].set_ylabel({"self": "asserts the name as its own", "p": "name probability",
                           "kw": "describes the behaviour (keywords)"}.get(prefix.rstrip("_"), words(prefix.rstrip("_"))))
    _legend_outside(axes[0][-1])
    fig.suptitle(title, fontsize=10)
    return _save(fig, out, name)


def identity_outcomes_figure(table: pd.DataFrame, out: Path) -> list[Path]:
    """"Explaining away": the exclusive identity outcome of every answer (each roster name
    asserted as its own, several, another identity such as ChatGPT, none) stacked against
    iteration, so one identity gaining at another's expense is visible at a glance. Shares sum
    to 1 per checkpoint; their intervals are in the line figure and ``series.csv``."""
    rows = series_panels(table, "self_identification", ("self_", "outcome_"), "iteration")
    if rows.empty:
        return []
    panels = sorted(rows.panel.unique())
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False, sharey=True)
    for ax, panel in zip(axes[0], panels):
        shares = rows[rows.panel == panel].pivot_table(index="x", columns="name", values="value", aggfunc="mean").fillna(0)
        ax.stackplot(shares.index, shares.T.to_numpy(), labels=[str(c) for c in shares.columns], alpha=0.85)
        ax.set_title(panel, fontsize=9)
        ax.set_xlabel("iteration")
        ax.set_ylim(0, 1)
    axes[0][0].set_ylabel("share of answers")
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle("Identity outcomes vs iteration (explaining away)", fontsize=10)
    return _save(fig, out, "identity_outcomes_vs_iteration")


def k_curve_figure(rates: pd.DataFrame, fits: pd.DataFrame, out: Path) -> list[Path]:
    """Self-identification vs k with each name's fitted logistic curve (``cot_harness.reports.k_curve``):
    one panel per curve set (checkpoint × chatbot shown), points with 95 % intervals."""
    if fits.empty:
        return []
    panels = sorted(fits.panel.unique())
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False, sharey=True)
    for ax, panel in zip(axes[0], panels):
        for _, fit in fits[fits.panel == panel].iterrows():
            points = rates[(rates.panel == panel) & (rates.metric == fit.metric)].sort_values("k")
            line = ax.errorbar(points.k, points.value, yerr=[points.value - points.lower, points.upper - points.value],
                               marker="o", capsize=3, linestyle="none")
            grid = np.linspace(points.k.min(), points.k.max(), 50)
            ax.plot(grid, 1 / (1 + np.exp(-(fit.intercept + fit.slope * grid))), color=line[0].get_color(),
                    label=f"{fit.metric.removeprefix('self_')}: b = {round(fit.slope, 2) + 0.0:.2f}")
        ax.set_title(panel, fontsize=8)
        ax.set_xlabel("k (in-context examples)")
        ax.legend(fontsize=6)
    axes[0][0].set_ylabel("asserts the name as its own")
    fig.suptitle("Self-identification vs k, logistic fit (intercept: prior; b: log-odds per example)", fontsize=10)
    return _save(fig, out, "self_identification_vs_k_fit")
