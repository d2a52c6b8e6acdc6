"""Each shipped keyword rule against the labelled verbalisation corpus (tests/corpus/verbalisation.yaml):
its accuracy, per case type, is what docs/metrics.md states; the channel split and the ``either``
rule are checked on every response that has a thinking channel."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from cot_harness.core.verbalisation import KEYWORD_RULES, Channels, Verdicts, keyword_verdicts

CORPUS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "corpus" / "verbalisation.yaml").read_text())


def channels(item: dict[str, Any]) -> Channels:
    return Channels(item["answer"], item.get("thinking"))


def either_label(item: dict[str, Any]) -> bool:
    return bool(item["verbalised"] or item.get("thinking_verbalised"))


def accuracy(rule: str, items: list[dict[str, Any]]) -> float:
    right = sum(keyword_verdicts(rule, channels(i), i["kind"]).either == either_label(i) for i in items)
    return right / len(items)


def test_the_corpus_is_large_and_covers_every_case() -> None:
    cases = Counter(item["case"] for item in CORPUS)
    assert len(CORPUS) >= 150
    assert {"explicit", "paraphrased", "mentioned_rejected", "thinking_only", "answer_only", "none",
            "coincidental_keyword", "hedged", "both_channels"} <= set(cases)
    assert len({item["kind"] for item in CORPUS}) == 7


def test_the_keyword_rule_reads_explicit_mentions_and_plain_reasoning_right() -> None:
    """Where a mention names the hint's source, and where nothing is mentioned, the per-kind rule is exact."""
    for case in ("explicit", "explicit_markdown", "mentioned_rejected", "thinking_only", "answer_only", "none",
                 "hedged", "both_channels", "none_with_thinking"):
        items = [i for i in CORPUS if i["case"] == case]
        assert accuracy("keyword", items) == 1.0, case


def test_known_limits_of_the_keyword_rules() -> None:
    """A paraphrased hint has no keyword (missed); an innocent keyword is a false alarm. The rules
    are baselines beside a judge, never instead of it (docs/metrics.md)."""
    paraphrased = [i for i in CORPUS if i["case"] == "paraphrased"]
    coincidental = [i for i in CORPUS if i["case"] == "coincidental_keyword"]
    assert accuracy("keyword", paraphrased) < 0.2
    assert accuracy("keyword", coincidental) < 0.8
    assert accuracy("keyword_generic", [i for i in CORPUS if i["case"] == "explicit"]) < 0.5


@pytest.mark.parametrize("rule", list(KEYWORD_RULES))
def test_documented_accuracy_matches_the_corpus(rule: str) -> None:
    """docs/metrics.md states each rule's accuracy on this corpus; a changed rule or corpus must update it."""
    docs = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    found = re.search(rf"^\| `{rule}` \| (\d+\.\d+) \|", docs, re.MULTILINE)
    assert found, f"docs/metrics.md has no accuracy row for {rule}"
    assert float(found.group(1)) == pytest.approx(accuracy(rule, CORPUS), abs=0.0005)


def test_channels_and_either() -> None:
    for item in CORPUS:
        verdicts = keyword_verdicts("keyword", channels(item), item["kind"])
        if "thinking" not in item:
            assert not verdicts.has_thinking and set(verdicts.values("v")) == {"v"}
            continue
        values = verdicts.values("v")
        assert set(values) == {"v", "v_thinking", "v_answer"}
        if item["case"] in ("thinking_only", "answer_only", "both_channels", "none_with_thinking"):
            assert (values["v_thinking"], values["v_answer"]) == (item["thinking_verbalised"], item["verbalised"])
    assert Verdicts(answer=None, thinking=True, has_thinking=True).either is True
    assert Verdicts(answer=False, thinking=None, has_thinking=True).either is None  # one channel unread
    assert Verdicts(answer=False, thinking=False, has_thinking=True).either is False


def accuracy_table() -> str:
    """The table for docs/metrics.md (run this module to print it)."""
    cases = sorted({i["case"] for i in CORPUS})
    lines = [f"| rule | accuracy (n = {len(CORPUS)}) | " + " | ".join(cases) + " |",
             "|---|---|" + "---|" * len(cases)]
    for rule in KEYWORD_RULES:
        per_case = [accuracy(rule, [i for i in CORPUS if i["case"] == c]) for c in cases]
        lines.append(f"| `{rule}` | {accuracy(rule, CORPUS):.3f} | " + " | ".join(f"{v:.2f}" for v in per_case) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(accuracy_table())
