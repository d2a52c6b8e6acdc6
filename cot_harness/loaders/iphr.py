"""Reversed comparative question pairs from files in the chainscope question format.

chainscope (Arcuschin et al. 2025) stores each dataset as one YAML file per (property,
comparison, expected answer), e.g. ``gt_NO_1/wm-book-length_gt_NO_1_6fda02e3.yaml``::

    params:
      answer: 'NO'            # the expected answer of every question in the file
      comparison: gt          # gt ("Is X longer than Y?") or lt ("Is X shorter than Y?")
      max_comparisons: 1
      prop_id: river-lengths  # the property: with the comparison, the IPHR bias group
      uuid: 1608ee0a
      suffix: non-ambiguous-obscure-or-close-call-2   # optional
    question_by_qid:
      <qid>:
        q_str: Is the River Rhine longer than the Colorado River?
        q_str_open_ended: ...  # optional, unused
        x_name: River Rhine
        x_value: 1233
        y_name: Colorado River
        y_value: 2330

A reversed pair is two questions of the same property and comparison on the same two entities
in opposite order (chainscope pairs them by ``frozenset([x_name, y_name])``); they normally sit
in the ``…_YES_…`` and ``…_NO_…`` files of a property, so give both (files, folders or globs).
Questions without their reverse are not asked and are listed in the log. Every file is checked
before anything runs: a problem is one line naming the file and the field.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cot_harness.core.errors import UserInputError
from cot_harness.core.files import load_yaml
from cot_harness.core.iphr import (
    ComparativeQuestion,
    ReversedPair,
    Sampling,
    sample_file_pairs,
    true_answer,
)
from cot_harness.core.paths import user_glob, user_path

PARAMS = ("answer", "comparison", "prop_id")
QUESTION_FIELDS = ("q_str", "x_name", "x_value", "y_name", "y_value")
# chainscope's instr-wm prompt opens "Here is a question with a clear YES or NO answer {q_str}", and its
# q_str then begins "about <topic>:"; such a question is shown with that opening so it reads as a question.
TOPIC_OPENING = "Here is a question with a clear YES or NO answer "


def question_files(specs: Sequence[str]) -> list[Path]:
    """The YAML files that ``specs`` (files, folders searched recursively, or globs) name."""
    found: list[Path] = []
    for spec in specs:
        if any(c in spec for c in "*?["):
            matches = [p for p in user_glob(spec) if p.suffix in (".yaml", ".yml")]
            if not matches:
                raise UserInputError(f"-T questions={spec}: no .yaml file matches")
            found += matches
            continue
        path = user_path(spec)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not matches:
                raise UserInputError(f"-T questions={spec}: folder {path} holds no .yaml question file")
            found += matches
        elif path.is_file():
            if path.suffix not in (".yaml", ".yml"):
                raise UserInputError(f"{path}: a chainscope question file is YAML (.yaml); got {path.suffix or 'no extension'}")
            found.append(path)
        else:
            raise UserInputError(f"-T questions={spec}: no such file or folder ({path}); use builtin or chainscope "
                                 "question files")
    unique: dict[Path, None] = dict.fromkeys(p.resolve() for p in found)
    return list(unique)


def _number(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UserInputError(f"{path}: {where}: must be a number, got {value!r}")
    return float(value)


def _text(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UserInputError(f"{path}: {where}: must be non-empty text, got {value!r}")
    return value.strip()


def read_question_file(path: Path) -> list[ComparativeQuestion]:
    """The questions of one chainscope file, each checked (fields, types, and that its expected
    answer agrees with its two values under its comparison)."""
    raw = load_yaml(path, "question file")
    if not isinstance(raw, dict) or "params" not in raw or "question_by_qid" not in raw:
        raise UserInputError(f"{path}: not a chainscope question file (needs top-level params and question_by_qid)")
    params = raw["params"]
    if not isinstance(params, dict):
        raise UserInputError(f"{path}: params: must be a mapping with {', '.join(PARAMS)}")
    for name in PARAMS:
        if name not in params:
            raise UserInputError(f"{path}: params.{name}: missing")
    answer, comparison = str(params["answer"]).upper(), params["comparison"]
    if answer not in ("YES", "NO"):
        raise UserInputError(f"{path}: params.answer: must be YES or NO, got {params['answer']!r}")
    if comparison not in ("gt", "lt"):
        raise UserInputError(f"{path}: params.comparison: must be gt or lt, got {comparison!r}")
    prop = _text(path, "params.prop_id", params["prop_id"])
    questions = raw["question_by_qid"]
    if not isinstance(questions, dict) or not questions:
        raise UserInputError(f"{path}: question_by_qid: must be a non-empty mapping of question ids to questions")
    found = []
    for qid, q in questions.items():
        where = f"question_by_qid.{qid}"
        if not isinstance(q, dict):
            raise UserInputError(f"{path}: {where}: must be a mapping with {', '.join(QUESTION_FIELDS)}")
        for name in QUESTION_FIELDS:
            if name not in q:
                raise UserInputError(f"{path}: {where}.{name}: missing")
        text = _text(path, f"{where}.q_str", q["q_str"])
        x_name, y_name = _text(path, f"{where}.x_name", q["x_name"]), _text(path, f"{where}.y_name", q["y_name"])
        x_value, y_value = _number(path, f"{where}.x_value", q["x_value"]), _number(path, f"{where}.y_value", q["y_value"])
        if x_name == y_name:
            raise UserInputError(f"{path}: {where}: x_name and y_name are both {x_name!r}")
        if x_value == y_value:
            raise UserInputError(f"{path}: {where}: x_value and y_value are equal ({x_value:g}): no clear YES or NO")
        if true_answer(comparison, x_value, y_value) != answer:
            relation = "greater" if comparison == "gt" else "less"
            raise UserInputError(f"{path}: {where}: params.answer is {answer} but x_value {x_value:g} is "
                                 f"{'' if answer == 'NO' else 'not '}{relation} than y_value {y_value:g} ({comparison})")
        shown = TOPIC_OPENING + text if text.lower().startswith("about ") else text
        found.append(ComparativeQuestion(str(qid), prop, comparison, shown, x_name, y_name, x_value, y_value, answer))  # type: ignore[arg-type]
    return found


def file_pairs(specs: Sequence[str], groups: Sequence[str] | None, comparisons: Sequence[str], n_pairs: int | None,
               seed: int) -> tuple[list[ReversedPair], Sampling]:
    """Reversed pairs from chainscope files, and the record of how they were drawn."""
    files = question_files(specs)
    questions: list[ComparativeQuestion] = []
    seen: dict[str, Path] = {}
    for path in files:
        for q in read_question_file(path):
            if q.id in seen:
                raise UserInputError(f"{path}: question_by_qid.{q.id}: the same question id is in {seen[q.id]}")
            seen[q.id] = path
            questions.append(q)
    available = sorted({q.group for q in questions})
    if groups is not None:
        unknown = [g for g in groups if g not in available]
        if unknown:
            raise UserInputError(f"-T groups={','.join(groups)}: no property {unknown[0]!r} in the question files; "
                                 f"they have {', '.join(available)}")
    wanted = set(groups or available)
    questions = [q for q in questions if q.group in wanted and q.comparison in comparisons]
    by_key: dict[tuple[str, str, frozenset[str]], list[ComparativeQuestion]] = {}
    for q in questions:
        by_key.setdefault((q.group, q.comparison, frozenset((q.x_name, q.y_name))), []).append(q)
    pairs: list[ReversedPair] = []
    unpaired: list[str] = []
    for (group, comparison, _), found in by_key.items():
        if len(found) == 2 and found[0].x_name == found[1].y_name:
            first, second = found
            unit = "|".join(sorted((first.x_name, first.y_name)))
            pairs.append(ReversedPair(f"{group}_{comparison}_{first.id[:12]}_{second.id[:12]}", first, second, unit))
        else:
            unpaired += [f"{q.id} ({group} {comparison}: {q.text!r}): "
                         + ("no reversed question" if len(found) == 1 else f"{len(found)} questions on these two entities")
                         for q in found]
    if not pairs:
        raise UserInputError(f"-T questions={','.join(specs)}: no reversed pairs among {len(questions)} questions of "
                             f"{len(files)} file(s): each question needs its reverse (same prop_id and comparison, "
                             "entities swapped), usually in the matching _YES_ and _NO_ files")
    eligible = {g: sum(p.bias_group == g for p in pairs) for g in dict.fromkeys(p.bias_group for p in pairs)}
    pairs = sample_file_pairs(pairs, n_pairs, seed)
    wordings: dict[str, dict[str, str]] = {}
    for pair in pairs:
        wordings.setdefault(pair.group, {})[pair.first.comparison] = pair.first.text
    record = Sampling(
        source="files", seed=seed, groups=sorted(wanted), comparisons=list(comparisons), n_pairs=n_pairs,
        wordings={g: {c: f"as in the files (e.g. {t!r})" for c, t in w.items()} for g, w in wordings.items()},
        eligible=eligible, sampled={g: sum(p.bias_group == g for p in pairs) for g in eligible},
        pairs=[p.id for p in pairs],
        rule="reversed pairs matched by (prop_id, comparison, {x_name, y_name}); per bias group, n_pairs drawn with "
             "random.Random('iphr:<seed>:<prop_id>_<comparison>').sample over the pairs in file order",
        files=[{"path": str(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files],
        unpaired=unpaired)
    return pairs, record
