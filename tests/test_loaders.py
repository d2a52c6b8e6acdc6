"""Dataset loaders: the built-in generator, local files, the hub formats and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, SHARED, needs_shared

from cot_harness.loaders import DatasetError, load_dataset, load_questions
from cot_harness.loaders.builtin import PRESETS, apply_op, generate_items
from cot_harness.loaders.hub import load_hub


def test_builtin_is_deterministic_and_seeded() -> None:
    assert generate_items(20, seed=3) == generate_items(20, seed=3)
    assert generate_items(20, seed=3) != generate_items(20, seed=4)


def test_builtin_chain_values_follow_the_operations() -> None:
    for item in generate_items(200, seed=1):
        for a, (op, k), b in zip(item.values, item.ops, item.values[1:]):
            assert apply_op(a, op, k, item.modulus) == b
        assert item.answer == item.values[-1]
        assert item.options[item.letters.index(item.target_letter)] == item.answer
        assert len(set(item.ops)) == len(item.ops), "organism preset draws distinct operations"
        assert all(0 <= v < item.modulus for v in item.values)


def test_organism_preset_never_wraps_but_hard_preset_does() -> None:
    organism = generate_items(300, seed=0)
    for item in organism:
        running = item.start
        for op, k in item.ops:
            running = running + k if op == "+" else running - k
            assert 0 <= running < item.modulus
    hard = generate_items(50, seed=0, preset="hard")
    assert all(item.modulus == PRESETS["hard"].modulus for item in hard)
    assert any(op == "*" for item in hard for op, _ in item.ops)


def test_builtin_samples_carry_the_metadata_solvers_need() -> None:
    samples = list(load_dataset("builtin", n=5, seed=0))
    assert len(samples) == 5
    sample = samples[0]
    assert sample.metadata is not None
    assert sample.metadata["answer_format"] == "mc"
    assert sample.target in sample.metadata["letters"]
    assert "(A)" in str(sample.input)
    free = list(load_dataset("builtin:free", n=5, seed=0))[0]
    assert free.metadata is not None and free.metadata["answer_format"] == "free"
    assert str(free.target).isdigit()


def test_unknown_dataset_name_is_a_one_line_error() -> None:
    with pytest.raises(DatasetError) as error:
        load_questions("gsm9k")
    message = str(error.value)
    assert "gsm9k" in message and "\n" not in message and "builtin" in message


def test_hub_dataset_missing_subset_is_explained() -> None:
    with pytest.raises(DatasetError, match="needs a subset"):
        load_questions("bbh")


def test_local_jsonl_and_csv() -> None:
    questions = load_questions(str(FIXTURES / "custom.jsonl"))
    assert [q.answer for q in questions] == ["B", "42"]
    assert questions[1].gold_cot == ["6 times 7 is 42."]
    csv_questions = load_questions(str(FIXTURES / "custom.csv"))
    assert csv_questions[0].options == ["1", "2", "3"] and csv_questions[0].answer == "B"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"question": "x"}\n', "custom_bad.jsonl:1: missing field 'answer'"),
        ('{"question": "x", "answer": "1"}\nnot json\n', "custom_bad.jsonl:2: not valid JSON"),
        ('{"question": "x", "options": ["a", "b"], "answer": "Z"}\n', "matches no option"),
        ('[1, 2]\n', "expected a JSON object"),
    ],
)
def test_malformed_local_file_names_file_line_and_field(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "custom_bad.jsonl"
    bad.write_text(content)
    with pytest.raises(DatasetError) as error:
        load_questions(str(bad))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_local_file() -> None:
    with pytest.raises(DatasetError, match="dataset file not found"):
        load_questions("nowhere/data.jsonl")


def test_bbh_fixture_covers_every_answer_format() -> None:
    result = load_hub("bbh:bbh_mini", path=str(FIXTURES / "bbh_mini.json"))
    formats = [q.answer_format for q in result.questions]
    assert formats == ["mc", "text", "free", "text"]
    assert result.questions[1].answer == "false"  # text answers are normalised
    assert result.rejected == []


def test_gsm8k_fixture_strips_calculator_notes_and_commas() -> None:
    result = load_hub("gsm8k", path=str(FIXTURES / "gsm8k_mini.jsonl"))
    assert [q.answer for q in result.questions] == ["7", "1000"]
    assert result.questions[0].gold_cot == ["He has 3 + 4 = 7 apples."]


def test_aqua_fixture_reports_the_rejected_item_and_why() -> None:
    result = load_hub("aqua", path=str(FIXTURES / "aqua_mini.json"))
    assert len(result.questions) == 1 and result.questions[0].answer == "B"
    assert result.questions[0].options[1] == "4"
    (where, reason), = result.rejected
    assert where.endswith("aqua_mini.json:2") and "(A) and (B) are identical" in reason


@needs_shared
def test_real_bbh_all_tasks_parse_or_are_listed() -> None:
    tasks = sorted(p.stem for p in (SHARED / "datasets/bbh/tasks").glob("*.json"))
    assert len(tasks) == 27
    rejected: dict[str, list[tuple[str, str]]] = {}
    total = 0
    for task in tasks:
        result = load_hub(f"bbh:{task}", path=str(SHARED / "datasets/bbh"))
        raw = len(json.loads((SHARED / f"datasets/bbh/tasks/{task}.json").read_text())["examples"])
        assert len(result.questions) + len(result.rejected) == raw
        total += len(result.questions)
        if result.rejected:
            rejected[task] = result.rejected
    # Known defects of the published files: a truncated item, options split on commas,
    # a question whose two options are identical.
    assert {t: len(r) for t, r in rejected.items()} == {"movie_recommendation": 1, "ruin_names": 2, "snarks": 2}
    assert total == 6506


@needs_shared
def test_real_gsm8k_and_aqua_parse() -> None:
    gsm8k = load_hub("gsm8k", path=str(SHARED / "datasets/gsm8k/test.jsonl"))
    assert len(gsm8k.questions) == 1319 and gsm8k.rejected == []
    aqua = load_hub("aqua", path=str(SHARED / "datasets/aqua/test.json"))
    assert len(aqua.questions) + len(aqua.rejected) == 254
    assert all("identical" in reason for _, reason in aqua.rejected)
    assert len(aqua.rejected) == 7
