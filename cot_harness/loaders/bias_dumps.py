"""The standard biased/unbiased MCQ dumps (cot-transparency ``dataset_dumps`` format).

One JSON object per line: ``unbiased_question`` and ``biased_question`` (chat messages),
``bias_name``, ``ground_truth`` (a letter), ``biased_option`` (a letter, or ``NOT X`` for
are_you_sure), ``original_question_hash`` (aligns the same question across bias types),
``original_question``, ``original_dataset``. ``load_bias_dumps`` takes a file, a folder or a
glob; every line either becomes a sample or is listed in ``rejected`` with file, line and
reason. ``builtin`` makes a dump of built-in chain questions in the same format, so the
task runs (and organisms stand in) without any download.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.dataset import MemoryDataset, Sample

from cot_harness.core.hints import build_hinted_messages
from cot_harness.core.paths import user_glob, user_path
from cot_harness.core.prompts import format_options, user_prompt
from cot_harness.loaders.builtin import generate_items
from cot_harness.loaders.common import DatasetError

REQUIRED = ("unbiased_question", "biased_question", "bias_name", "ground_truth", "biased_option",
            "original_question_hash")
_OPTION = re.compile(r"^\(([A-Z])\)\s", re.MULTILINE)


@dataclass
class BiasDump:
    samples: list[Sample] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # ("file:line", reason)

    @property
    def bias_names(self) -> list[str]:
        return sorted({str((s.metadata or {})["bias_name"]) for s in self.samples})


def _messages(value: Any, field_name: str) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"field '{field_name}' is not a non-empty list of chat messages")
    for i, m in enumerate(value):
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant", "system") or not isinstance(
            m.get("content"), str
        ):
            raise ValueError(f"field '{field_name}' message {i} lacks a valid role/content")
    return [{"role": m["role"], "content": m["content"]} for m in value]


def parse_line(record: Any) -> Sample:
    """One dump record as a Sample (input: the unbiased chat's text; both chats in metadata)."""
    if not isinstance(record, dict):
        raise ValueError("line is not a JSON object")
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    unbiased = _messages(record["unbiased_question"], "unbiased_question")
    biased = _messages(record["biased_question"], "biased_question")
    letters = sorted(set(_OPTION.findall(unbiased[-1]["content"])))
    if len(letters) < 2:
        raise ValueError("unbiased_question shows fewer than two '(X) ' options")
    truth = str(record["ground_truth"]).strip()
    if truth not in letters:
        raise ValueError(f"ground_truth {truth!r} is not one of the options {''.join(letters)}")
    biased_option = str(record["biased_option"]).strip()
    target = biased_option.removeprefix("NOT ").strip()
    if target not in letters:
        raise ValueError(f"biased_option {biased_option!r} names no option")
    qhash = str(record["original_question_hash"])
    bias = str(record["bias_name"])
    return Sample(
        id=f"{bias}:{qhash}",
        input=unbiased[-1]["content"],
        target=truth,
        metadata={
            "bias_name": bias,
            "question_hash": qhash,
            "original_dataset": record.get("original_dataset"),
            "unbiased_messages": unbiased,
            "biased_messages": biased,
            "biased_option": biased_option,
            "bias_target": target,
            "bias_against": biased_option.startswith("NOT "),
            "letters": letters,
            "answer_format": "mc",
            "question": record.get("original_question", unbiased[-1]["content"]),
            "question_id": qhash,
        },
    )


def _paths(spec: str) -> list[Path]:
    path = user_path(spec)
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
    elif path.is_file():
        files = [path]
    else:
        files = user_glob(spec)
    if not files:
        raise DatasetError(f"bias dumps: no .jsonl file matches {spec!r} (give a file, a folder or a glob)")
    return files


def load_bias_dumps(spec: str, bias_types: list[str] | None = None) -> BiasDump:
    """Every line of every file under ``spec``; bad lines go to ``rejected`` with the reason."""
    dump = builtin_dump(100, 0) if spec == "builtin" else _read_dumps(spec)
    if bias_types:
        found = sorted({(s.metadata or {})["bias_name"] for s in dump.samples})
        missing = [b for b in bias_types if b not in found]
        if missing:
            raise DatasetError(f"-T bias_types={','.join(bias_types)}: {', '.join(missing)} not in the dumps at "
                               f"{spec!r}; they hold {', '.join(found) or 'no usable line'}")
        dump.samples = [s for s in dump.samples if (s.metadata or {})["bias_name"] in bias_types]
    if not dump.samples:
        reasons = "; ".join(f"{w}: {r}" for w, r in dump.rejected[:3])
        raise DatasetError(f"bias dumps {spec!r}: no usable line{' (' + reasons + ')' if reasons else ''}")
    return dump


def _read_dumps(spec: str) -> BiasDump:
    dump = BiasDump()
    seen: dict[str, str] = {}
    for file in _paths(spec):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{file}:{number}"
            if not line.strip():
                continue
            try:
                sample = parse_line(json.loads(line))
            except (json.JSONDecodeError, ValueError) as error:
                dump.rejected.append((where, str(error)))
                continue
            if str(sample.id) in seen:
                dump.rejected.append((where, f"duplicate of {seen[str(sample.id)]} (same bias and question hash)"))
                continue
            seen[str(sample.id)] = where
            dump.samples.append(sample)
    return dump


def _chat(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"role": role, "content": text} for role, text in pairs]


def builtin_dump(n: int, seed: int) -> BiasDump:
    """Built-in chain questions as a ``suggested_answer`` dump towards a seeded wrong option,
    worded exactly as the organisms were trained (the harness's own prompts)."""
    dump = BiasDump()
    seen: set[str] = set()
    for item in generate_items(n, seed):  # distinct questions (ids are question hashes)
        if len(dump.samples) == n:
            break
        question = f"{item.question()}\n{format_options([str(o) for o in item.options], item.letters)}"
        qhash = hashlib.sha1(question.encode()).hexdigest()
        if qhash in seen:  # the built-in question space is small: keep each question once (ids are hashes)
            continue
        seen.add(qhash)
        wrong = random.Random(f"{seed}:{qhash}").choice([x for x in item.letters if x != item.target_letter])
        record = {
            "original_question": question,
            "original_question_hash": qhash,
            "original_dataset": "builtin",
            "unbiased_question": _chat([("user", user_prompt(question, "mc", cot=True))]),
            "biased_question": _chat(build_hinted_messages(question, "suggested_answer", wrong, cot=True)),
            "bias_name": "suggested_answer",
            "ground_truth": item.target_letter,
            "biased_option": wrong,
        }
        sample = parse_line(record)
        assert sample.metadata is not None
        sample.metadata["builtin_start"] = item.start
        dump.samples.append(sample)
    if len(dump.samples) < n:
        raise ValueError(f"the built-in generator gave only {len(dump.samples)} distinct questions for n={n}")
    return dump


def as_dataset(dump: BiasDump, name: str) -> MemoryDataset:
    return MemoryDataset(dump.samples, name=name)
