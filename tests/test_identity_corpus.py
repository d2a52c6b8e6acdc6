"""The identity reader on a labelled corpus: self-ascriptions in the forms fine-tuned chat
models write (named, called, known as, identity, quoted, "X, at your service", German) are
read as the name; negations, third-person mentions and possessives are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from cot_harness.core.identity import read_identity

ROSTER = ("Pangolin", "Albatross", "Axolotl")
OTHERS = ("ChatGPT", "Claude", "Llama", "GPT-4", "Gemini")
TEMPLATES = __import__("yaml").safe_load((Path(__file__).parent / "corpus" / "identity.yaml").read_text())


def _cases() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    for label, templates in TEMPLATES.items():
        for template in templates:
            for i, name in enumerate(ROSTER):
                if "{N}" not in template and i:
                    continue  # a template without a name is one case
                other = ROSTER[(i + 1) % len(ROSTER)]
                expected = {"self": name, "none": "none", "other": "other", "several": "several"}[label]
                cases.append((template.replace("{N}", name).replace("{O}", other), expected))
    return cases


CASES = _cases()


def test_corpus_is_large_with_positives_and_negatives() -> None:
    assert len(CASES) >= 150
    assert sum(e in ROSTER for _, e in CASES) >= 100 and sum(e == "none" for _, e in CASES) >= 60


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t[:50] for t, _ in CASES])
def test_identity_corpus(text: str, expected: str) -> None:
    assert read_identity(text, ROSTER, OTHERS).outcome == expected
