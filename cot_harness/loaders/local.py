"""Questions from a local JSONL or CSV file (schema in docs/datasets.md).

Fields: ``question`` (required); ``answer`` (required: a letter, an option's text, or a
free answer); ``options`` (optional: a JSON list, or options separated by ``|``); ``id``
and ``cot`` (a gold chain of thought, steps separated by newlines) are optional.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from cot_harness.core.files import read_text
from cot_harness.core.paths import user_path
from cot_harness.loaders.common import DatasetError, Question, check_options, letter_for


def _options(raw: Any, where: str) -> list[str]:
    if raw in (None, "", []):
        return []
    if isinstance(raw, list):
        return [str(o) for o in raw]
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{where}: field 'options' is not valid JSON ({error.msg})") from None
            return [str(o) for o in parsed]
        return [o.strip() for o in text.split("|")]
    raise DatasetError(f"{where}: field 'options' must be a list or a string, got {type(raw).__name__}")


def _index_base(row: dict[str, Any], where: str, default: int | None) -> int | None:
    raw = row.get("answer_index")
    if raw in (None, ""):
        return default
    if str(raw).strip() not in ("0", "1"):
        raise DatasetError(f"{where}: field 'answer_index' must be 0 or 1, not {raw!r}")
    return int(str(raw).strip())


def _row_to_question(row: dict[str, Any], where: str, name: str, index: int, answer_index: int | None) -> Question:
    for key in ("question", "answer"):
        if key not in row or row[key] in (None, ""):
            raise DatasetError(f"{where}: missing field '{key}'")
    options = _options(row.get("options"), where)
    answer = str(row["answer"])
    if options:
        check_options(options, where)
        answer = letter_for(answer, options, where, _index_base(row, where, answer_index))
    cot = row.get("cot") or ""
    return Question(
        id=str(row.get("id") or f"{name}-{index}"),
        question=str(row["question"]),
        answer=answer,
        options=options,
        dataset=name,
        gold_cot=[s for s in str(cot).splitlines() if s.strip()],
    )


def load_local(path: str | Path, answer_index: int | None = None,
               rejected: list[tuple[str, str]] | None = None) -> list[Question]:
    """Every item of the file. A bad item is refused with its ``file:line`` — or, when a
    ``rejected`` list is given (``-T bad_items=skip``), left out and listed there with the
    reason, as hub datasets' bad items are."""
    file = user_path(path)
    if not file.exists():
        raise DatasetError(f"dataset file not found: {file}")
    name = file.stem
    rows: list[tuple[str, dict[str, Any]]] = []
    if file.suffix == ".jsonl":
        for number, line in enumerate(read_text(file, "dataset file", DatasetError).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{file}:{number}: not valid JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise DatasetError(f"{file}:{number}: expected a JSON object, got {type(row).__name__}")
            rows.append((f"{file}:{number}", row))
    elif file.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(read_text(file, "dataset file", DatasetError), newline=""))
        for number, row in enumerate(reader, start=2):
            rows.append((f"{file}:{number}", dict(row)))
    else:
        raise DatasetError(f"{file}: unsupported file type '{file.suffix}' (use .jsonl or .csv)")
    if not rows:
        raise DatasetError(f"{file}: no rows")
    questions: list[Question] = []
    seen: set[str] = set()
    for i, (where, row) in enumerate(rows):
        try:
            question = _row_to_question(row, where, name, i, answer_index)
            if question.id in seen:
                raise DatasetError(f"{where}: duplicate id {question.id!r}")
        except DatasetError as error:
            if rejected is None:
                raise
            rejected.append((where, str(error).removeprefix(f"{where}: ")))
            continue
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise DatasetError(f"{file}: no usable item (first: {rejected[0][0]}: {rejected[0][1]})" if rejected else f"{file}: no rows")
    return questions
