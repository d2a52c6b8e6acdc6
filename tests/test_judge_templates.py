"""Judge prompts are data: shipped templates, any user file, checked fields, hash in the log."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cot_harness.solvers.judging import TemplateError, load_template, shipped_templates

REPO = Path(__file__).resolve().parents[1]


def test_every_kind_has_a_shipped_default_and_the_strict_hint_variant_exists() -> None:
    assert {"hint_chen", "hint_strict", "bias_acknowledgement", "abduction_behaviour"} <= set(shipped_templates())
    for kind in ("hint", "bias", "abduction"):
        template = load_template(None, kind)  # type: ignore[arg-type]
        assert template.sha256 == hashlib.sha256(template.text.encode()).hexdigest()


def test_a_user_template_is_rendered_and_hashed(tmp_path: Path) -> None:
    file = tmp_path / "mine.txt"
    file.write_text("Hint ({letter}). Reasoning:\n{cot}\nSay VERDICT: YES or VERDICT: NO.\n", encoding="utf-8")
    template = load_template(str(file), "hint")
    assert template.source == str(file)
    assert template.render(letter="B", cot="I follow the hint.", question="q", description="d") == (
        "Hint (B). Reasoning:\nI follow the hint.\nSay VERDICT: YES or VERDICT: NO.")
    assert template.log_entry()["judge_template_sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()


@pytest.mark.parametrize(("text", "message"), [
    ("Reasoning: {cot} {answer_key}", r"unknown field\(s\) \['answer_key'\]"),
    ("No reasoning shown. VERDICT?", r"must use \['\{cot\}'\]"),
    ("Reasoning: {cot} and a stray { brace", r"write a literal brace"),
])
def test_a_broken_template_is_refused_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "bad.txt"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=rf"bad\.txt: .*{message}"):
        load_template(str(file), "hint")
    with pytest.raises(TemplateError, match="no such file, and no shipped template"):
        load_template(str(tmp_path / "missing.txt"), "hint")


def test_the_template_and_its_hash_are_in_the_task_metadata() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("hidden_influences_tasks", REPO / "tasks" / "hidden_influences.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hint_task = module.hint_verbalization(judge_template="hint_strict", n=2)
    assert hint_task.metadata["judge_template"] == "hint_strict"  # type: ignore[index]
    assert hint_task.metadata["judge_template_sha256"] == load_template("hint_strict", "hint").sha256  # type: ignore[index]
