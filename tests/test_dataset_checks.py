"""Dataset checks that keep gold answers right: numeric answers need a declared index base,
options must be at least two and distinct, repeated questions are removed and reported, the
built-in items are distinct, and Excel's UTF-8 byte-order mark is accepted."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from cot_harness.loaders.builtin import generate_items
from cot_harness.loaders.common import DatasetError
from cot_harness.loaders.registry import load


def _jsonl(tmp_path: Path, rows: Sequence[Mapping[str, object]], name: str = "q.jsonl") -> str:
    file = tmp_path / name
    file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(file)


ROWS = [{"question": "2 + 2?", "options": ["3", "4", "5"], "answer": "1"},
        {"question": "Capital of France?", "options": ["Rome", "Paris"], "answer": "2"}]


def test_a_digit_answer_without_a_declared_base_is_refused_naming_the_line(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"q\.jsonl:1: answer '1' is a number: .*answer_index=0 or -T answer_index=1"):
        load(_jsonl(tmp_path, ROWS))


@pytest.mark.parametrize(("base", "letters"), [(0, ["B", None]), (1, ["A", "B"])])
def test_a_declared_index_base_reads_digits_by_position(tmp_path: Path, base: int, letters: list[str | None]) -> None:
    if base == 0:  # 0-based: "2" is past the second item's two options
        with pytest.raises(DatasetError, match=r"q\.jsonl:2: answer '2' is no option index \(0-based, 2 options\)"):
            load(_jsonl(tmp_path, ROWS), answer_index=0)
        loaded = load(_jsonl(tmp_path, ROWS[:1]), answer_index=0)
    else:
        loaded = load(_jsonl(tmp_path, ROWS), answer_index=1)
    assert [q.answer for q in loaded.questions] == [x for x in letters if x]


def test_an_answer_index_column_overrides_per_row(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], answer_index=1), dict(ROWS[1], answer="1", answer_index=0)]
    assert [q.answer for q in load(_jsonl(tmp_path, rows)).questions] == ["A", "B"]


def test_a_digit_that_can_only_be_option_text_is_read_as_text(tmp_path: Path) -> None:
    loaded = load(_jsonl(tmp_path, [{"question": "7 + 5?", "options": ["11", "12", "13"], "answer": "12"}]))
    assert loaded.questions[0].answer == "B"


@pytest.mark.parametrize(("options", "message"), [
    (["only"], "only one option"), (["Paris", "paris ", "Rome"], "options 1 and 2 are the same text")])
def test_degenerate_options_are_refused(tmp_path: Path, options: list[str], message: str) -> None:
    with pytest.raises(DatasetError, match=rf"q\.jsonl:1: {message}"):
        load(_jsonl(tmp_path, [{"question": "Q?", "options": options, "answer": "A"}]))


def test_repeated_questions_are_removed_and_listed(tmp_path: Path) -> None:
    rows = [{"id": "a", "question": "Q one?", "options": ["x", "y"], "answer": "A"},
            {"id": "b", "question": "Q  one?", "options": ["x", "y"], "answer": "A"},
            {"id": "c", "question": "Q two?", "options": ["x", "y"], "answer": "B"}]
    loaded = load(_jsonl(tmp_path, rows))
    assert [q.id for q in loaded.questions] == ["a", "c"]
    assert loaded.rejected == [("b", "duplicate of a (same question and options): removed")]


@pytest.mark.parametrize(("preset", "n"), [("organism", 200), ("hard", 300)])
def test_builtin_items_are_distinct(preset: str, n: int) -> None:
    items = generate_items(n, seed=0, preset=preset)  # type: ignore[arg-type]
    assert len({(i.start, i.ops) for i in items}) == n
    assert items == generate_items(n, seed=0, preset=preset)  # type: ignore[arg-type]


def test_a_csv_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    file = tmp_path / "excel.csv"
    file.write_bytes("\ufeffquestion,options,answer\nCapital of France?,Rome|Paris,B\n".encode())
    assert [q.answer for q in load(str(file)).questions] == ["B"]


def test_a_non_utf8_file_names_the_byte(tmp_path: Path) -> None:
    file = tmp_path / "latin.jsonl"
    file.write_bytes(b'{"question": "caf\xe9?", "answer": "1"}\n')
    with pytest.raises(DatasetError, match=r"latin\.jsonl: not UTF-8 \(byte 17: .*xe9.*save it as UTF-8"):
        load(str(file))
