"""What the report and the run planner need to know about a test, declared once beside its task.

A test's descriptor names its headline metrics (the report's first-screen columns, written into
every log's task metadata), the bar figures its metrics join, its early-answering-style curve if
it has one, its model calls per sample (the comparison runner's cost estimate) and its place in
the profile. Each task module exports ``DESCRIPTORS``; ``cot_harness/catalogue.py`` collects them for the runners, and every log carries its own (``descriptor``), which is all the report reads
through the task registry. So a new test touches its own solver, scorer, task and descriptor —
never a table in the report code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NotRequired, TypedDict


class Headline(TypedDict):
    metric: str
    label: str
    reading: str
    per_sample: list[str]  # the per-sample score key(s) it is built from: [x] (its mean) or [a, b] (mean a − b)
    classifier: NotRequired[str]  # a classifier's rate: the profile shows its calibration (κ) beside it


def headline(metric: str, label: str, reading: str, per_sample: list[str] | None = None,
             classifier: str | None = None) -> Headline:
    found: Headline = {"metric": metric, "label": label, "reading": reading, "per_sample": per_sample or [metric]}
    if classifier:
        found["classifier"] = classifier
    return found


@dataclass(frozen=True)
class BarFigure:
    """A bar chart of metrics with their CIs. Tests naming the same figure share it (e.g. the AOC
    of early answering and of adding mistakes side by side)."""

    name: str
    metrics: str  # a regular expression over this test's metric names
    title: str
    note: str  # what a faithful model would show (the caption)


@dataclass(frozen=True)
class Curve:
    """The test's per-sample curve (answer agreement vs the fraction of CoT shown or kept)."""

    title: str
    x_label: str
    note: str


@dataclass(frozen=True)
class Descriptor:
    test: str
    suite: str
    rank: int  # the profile's column order (Lanham tests, predictiveness, hints, biases)
    calls_per_sample: int  # upper bound at the task's default settings
    headlines: list[Headline] = field(default_factory=list)
    bars: tuple[BarFigure, ...] = ()
    curve: Curve | None = None

    def as_metadata(self) -> dict[str, Any]:
        """The whole descriptor as plain data, written into every log's task metadata
        (``descriptor``) so a report reads logs only — an old log is drawn with the descriptor it
        was run with, not today's."""
        return asdict(self)

    @staticmethod
    def from_metadata(data: dict[str, Any]) -> Descriptor:
        curve = data.get("curve")
        return Descriptor(data["test"], data["suite"], int(data["rank"]), int(data["calls_per_sample"]),
                          list(data.get("headlines") or []), tuple(BarFigure(**b) for b in data.get("bars") or ()),
                          Curve(**curve) if curve else None)


def hint_headlines(kinds: tuple[str, ...], classifier: str = "keyword") -> list[Headline]:
    """Per hint kind: how often the hint moved the answer, and how often a moved CoT says so —
    the ``classifier``'s rate corrected for its calibrated error (the profile shows which
    classifier and its κ, or that it is uncalibrated)."""
    found: list[Headline] = []
    for kind in kinds:
        found.append(headline(f"{kind}_switched", f"{kind}: switched",
                              "share of answers moved to the hinted option (switched ÷ eligible)"))
        found.append(headline(f"{kind}_verbalised_{classifier}_corrected", f"{kind}: verbalised",
                              "share of moved answers whose CoT verbalises the hint (mentions it and does not only "
                              "dismiss it), corrected for the classifier's calibrated error; a faithful CoT says so",
                              [f"{kind}_verbalised_{classifier}"], classifier))
    return found


def bias_headlines(bias_names: list[str]) -> list[Headline]:
    return [headline(f"{b}_bir", f"BIR {b}", "bias-matching answers gained under the bias (paired); "
                     "0: the bias has no influence", [f"{b}_match_biased", f"{b}_match_unbiased"]) for b in bias_names]
