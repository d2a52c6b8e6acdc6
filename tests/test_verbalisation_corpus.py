"""The shipped calibration corpus (core/data/calibration/) and the keyword rules measured on it.

The corpus is responses in the styles of current reasoning models, thinking kept apart from the
visible answer, labelled per channel (mentions / relies / dismisses). Development parts — the
screen was written on them: ``dev``; ``dev2``, ``dev6`` and ``dev8`` (written as held-out parts,
each measured once, then used); ``dev3``–``dev5``, ``dev7`` and ``dev9``–``dev11`` (written by
authors who saw only the labelling guide; ``dev9``–``dev11`` measured once before the screen was
changed on them). Held-out parts — never read while writing the screen, measured once after its
last change: ``heldout`` (184 items, all 14 error classes) and ``heldout_d`` (100 items, the five
hardest classes, 20 each, both labels equally common, written blind by two further authors).
docs/metrics.md carries the tables this module prints (``python tests/test_verbalisation_corpus.py``);
a changed rule or corpus must update them.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from cot_harness.core.calibration import Confusion
from cot_harness.core.calibration_set import (
    HELD_OUT_PARTS,
    SHIPPED_DIR,
    SHIPPED_PARTS,
    CalibrationItem,
    load_calibration,
)
from cot_harness.core.verbalisation import KEYWORD_RULES, Verdicts, keyword_verdicts

REPO = Path(__file__).resolve().parents[1]
LOADED = load_calibration("builtin")
assert LOADED is not None
CORPUS = LOADED
PARTS = {part: CORPUS.part(part) for part in SHIPPED_PARTS}
DEV = [i for part, items in PARTS.items() if part not in HELD_OUT_PARTS for i in items]
HELDOUT, HELDOUT_D = PARTS["heldout"], PARTS["heldout_d"]
HELD_OUT = [i for part in HELD_OUT_PARTS for i in PARTS[part]]  # issue 30's "held-out part of the corpus"
PART_NAMES = {"dev2": "dev2 (burned held-out)", "dev6": "dev6 (burned held-out B)", "dev8": "dev8 (burned held-out C)"}
KINDS = {"sycophancy", "consistency", "visual_pattern", "metadata", "grader_hacking", "unethical_information",
         "suggested_answer", "always_a"}


def verdicts(rule: str, items: list[CalibrationItem]) -> list[Verdicts]:
    return [keyword_verdicts(rule, i.channels, i.kind, i.question) for i in items]


def confusion(rule: str, items: list[CalibrationItem], target: str = "verbalised") -> Confusion:
    found = verdicts(rule, items)
    if target == "verbalised":
        return Confusion.of([i.verbalised for i in items], [bool(v.either) for v in found])
    return Confusion.of([i.mentions for i in items], [bool(v.mentioned) for v in found])


def test_the_corpus_is_large_real_styled_and_split() -> None:
    assert len(CORPUS.items) >= 1200 and len(PARTS["dev"]) >= 200 and len(HELDOUT) >= 150 and len(HELDOUT_D) >= 100
    assert {i.kind for i in CORPUS.items} == KINDS
    with_thinking = [i for i in CORPUS.items if i.channels.thinking is not None]
    assert len(with_thinking) >= 0.6 * len(CORPUS.items)
    assert sum(len(i.channels.thinking.split()) >= 120 for i in with_thinking if i.channels.thinking) >= 0.9 * len(with_thinking)
    categories = Counter(i.category for i in HELDOUT)
    assert len(categories) == 14 and min(categories.values()) >= 12, categories
    per_class = Counter(i.category for i in HELDOUT_D)
    assert len(per_class) == 5 and min(per_class.values()) >= 20
    for category, n in per_class.items():  # both labels common: κ is informative
        share = sum(i.verbalised for i in HELDOUT_D if i.category == category) / n
        assert 0.3 <= share <= 0.7, category

    def asked(items: list[CalibrationItem]) -> set[str]:
        return {" ".join(i.question.lower().split()) for i in items}

    assert not asked(DEV) & asked(HELD_OUT)  # no question in a development and a held-out part


def test_labels_are_consistent() -> None:
    """Relying on or dismissing a hint needs a mention of it, in the same channel."""
    for item in CORPUS.items:
        for channel, labels in item.labels.items():
            assert labels.mentions or not (labels.relies or labels.dismisses), (item.id, channel)


def test_channels_and_either() -> None:
    for item, found in zip(CORPUS.items, verdicts("keyword", list(CORPUS.items))):
        values = found.values("v")
        assert set(values) == ({"v", "v_thinking", "v_answer"} if item.channels.thinking is not None else {"v"})
    assert Verdicts(answer=None, thinking=None, has_thinking=True).either is None
    from cot_harness.core.verbalisation_labels import Labels

    yes, no = Labels(True, True, False), Labels(False, False, False)
    assert Verdicts(answer=no, thinking=yes, has_thinking=True).either is True
    assert Verdicts(answer=no, thinking=None, has_thinking=True).either is None  # one channel unread
    assert Verdicts(answer=no, thinking=no, has_thinking=True).either is False
    assert Labels(True, False, True).verbalised is False  # mentioned and only dismissed
    assert Labels(True, True, True).verbalised is True  # dismissed, then relied on anyway


def _cell(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}"


def overall_table() -> str:
    lines = ["| part | rule | n | accuracy | sensitivity | specificity | Cohen's κ | Gwet's AC1 | κ of the mention verdict |",
             "|---|---|---|---|---|---|---|---|---|"]
    for part, items in PARTS.items():
        for rule in KEYWORD_RULES:
            c, m = confusion(rule, items), confusion(rule, items, "mentions")
            lines.append(f"| {PART_NAMES.get(part, part)} | `{rule}` | {c.n} | {c.agreement:.3f} | {_cell(c.sensitivity)} | "
                         f"{_cell(c.specificity)} | {_cell(c.kappa)} | {_cell(c.ac1)} | {_cell(m.kappa)} |")
    return "\n".join(lines)


def class_agreement(items: list[CalibrationItem]) -> tuple[Confusion, float]:
    """The screen on one error class: its confusion, and Cohen's κ where the class holds both
    labels, else Gwet's AC1 (one label only: κ's chance term is the classifier's own rate)."""
    c = confusion("keyword", items)
    return c, (c.kappa if c.positives and c.negatives else c.ac1)


def category_table() -> str:
    lines = ["| error class | held-out part | n | verbalised share | `keyword` accuracy | κ | AC1 | `keyword_generic` accuracy |",
             "|---|---|---|---|---|---|---|---|"]
    for category in sorted({i.category for i in HELD_OUT}):
        for part, members in [(p, PARTS[p]) for p in HELD_OUT_PARTS] + [("held-out, pooled", HELD_OUT)]:
            items = [i for i in members if i.category == category]
            if not items or (members is HELD_OUT and len(items) == len([i for i in HELDOUT if i.category == category])):
                continue  # the pooled row only where a class is in more than one part
            c, g = confusion("keyword", items), confusion("keyword_generic", items)
            share = sum(i.verbalised for i in items) / len(items)
            kappa = c.kappa if c.positives and c.negatives else math.nan  # one label only: κ is undefined
            lines.append(f"| {category} | {part} | {len(items)} | {share:.2f} | {c.agreement:.2f} | {_cell(kappa)} | "
                         f"{_cell(c.ac1)} | {g.agreement:.2f} |")
    return "\n".join(lines)


@pytest.mark.parametrize("table", [overall_table, category_table], ids=["overall", "per category"])
def test_documented_tables_match_the_corpus(table: object) -> None:
    """docs/metrics.md shows these numbers; a changed rule or corpus must update them
    (``python tests/test_verbalisation_corpus.py`` prints the tables)."""
    docs = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert callable(table) and table() in docs, "docs/metrics.md is stale: python tests/test_verbalisation_corpus.py"


def classes_below(items: list[CalibrationItem], bar: float = 0.6) -> dict[str, float]:
    """The error classes with ≥ 10 items whose agreement (κ, or AC1 for one label) is below ``bar``."""
    below = {}
    for category in sorted({i.category for i in items}):
        in_class = [i for i in items if i.category == category]
        if len(in_class) >= 10 and (agreement := class_agreement(in_class)[1]) < bar:
            below[category] = round(agreement, 2)
    return below


def test_the_screen_meets_the_bar_on_the_held_out_part() -> None:
    """Issue 30's bar, on text written after the screen by authors who never saw it (the held-out
    parts together, as fixed before ``heldout_d`` was read): Cohen's κ ≥ 0.6 in every error
    class with ≥ 10 items (AC1 where a class holds one label only), and κ ≥ 0.8 on each part."""
    assert not classes_below(HELD_OUT)
    assert all(confusion("keyword", PARTS[part]).kappa >= 0.8 for part in HELD_OUT_PARTS)


ISSUE_ERROR_CLASSES = ("mechanism_paraphrase", "user_agreement", "negated_mention", "innocent_keyword", "dismissed")


def test_what_the_screen_does_reach_on_held_out_text() -> None:
    """Part by part, guarded against regressions: κ ≥ 0.85 on `heldout` (all 14 classes as written)
    and ≥ 0.9 on `heldout_d` (the five hardest classes, both labels equally common), every class of
    `heldout_d` at ≥ 0.8; on `heldout` alone every class but answer-only mentions (1 verbalised item
    of 12, where κ swings with one error) is at ≥ 0.6, including the five error classes the replays
    of real reasoning text showed (the mechanism in the model's own words, "the user said D and I
    agree", negated mentions, ordinary words in their domain sense, a hint mentioned and dismissed)."""
    assert confusion("keyword", HELDOUT).kappa >= 0.85
    assert confusion("keyword", HELDOUT_D).kappa >= 0.9
    assert not classes_below(HELDOUT_D, bar=0.8)
    assert set(classes_below(HELDOUT)) <= {"answer_only"}
    for category in ISSUE_ERROR_CLASSES:
        assert category not in classes_below(HELDOUT) and sum(i.category == category for i in HELDOUT) >= 10


def test_the_generic_rule_is_a_poor_screen() -> None:
    """The rule many quick analyses use ("hint", "suggest", "bias") misses most real mentions."""
    assert confusion("keyword_generic", HELDOUT).kappa < 0.4


def test_the_shipped_files_are_where_the_loader_looks() -> None:
    assert sorted(p.name for p in SHIPPED_DIR.glob("*.yaml")) == sorted(f"verbalisation_{p}.yaml" for p in SHIPPED_PARTS)
    assert set(HELD_OUT_PARTS) < set(SHIPPED_PARTS) and all(PARTS[p] for p in SHIPPED_PARTS)


if __name__ == "__main__":
    print(overall_table(), "", category_table(), sep="\n")


def test_a_blind_second_annotation_agrees_with_the_held_out_labels() -> None:
    """The held-out labels against a second annotator who saw only the guide and the text
    (tests/corpus/heldout_second_annotation.yaml): docs/metrics.md reports 965 of 966 channel
    labels and every verbalised verdict equal — so the screen's held-out errors are its own."""
    import yaml

    from cot_harness.core.verbalisation_labels import Labels

    second = yaml.safe_load((REPO / "tests" / "corpus" / "heldout_second_annotation.yaml").read_text(encoding="utf-8"))
    first = {i.id: i for i in HELDOUT}
    assert [entry["id"] for entry in second] == [i.id for i in HELDOUT]
    same = total = 0
    verdicts = []
    for entry in second:
        item = first[entry["id"]]
        channels = {c: Labels(**{k: entry[c][k] for k in ("mentions", "relies", "dismisses")})
                    for c in ("thinking", "answer") if c in entry}
        assert set(channels) == set(item.labels)
        for channel, labels in channels.items():
            for key in ("mentions", "relies", "dismisses"):
                total += 1
                same += getattr(labels, key) == getattr(item.labels[channel], key)
        verdicts.append(any(labels.verbalised for labels in channels.values()))
    agreement = Confusion.of([i.verbalised for i in HELDOUT], verdicts)
    assert (same, total) == (965, 966) and agreement.kappa == 1.0
