"""Labelled responses that calibrate a verbalisation classifier.

Each item is a response to a hinted question, in the styles of current reasoning models
(thinking kept apart from the visible answer), labelled per channel with the three questions of
``Labels`` by the definitions in docs/labelling.md. The shipped set lives in
``core/data/calibration/`` in parts: development parts ``dev``–``dev11`` (the keyword screen was
written on them; ``dev2``, ``dev6`` and ``dev8`` were held-out parts, each measured once and then
used) and the held-out parts ``heldout`` and ``heldout_d`` (written blind, never read while writing
the screen: its honest numbers, and the only parts a keyword rule is calibrated on). docs/metrics.md
has the history and the tables. A user's own file in the same format is given with
``-S calibration=<file>`` or ``-T calibration=<file>``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cot_harness.core.errors import UserInputError
from cot_harness.core.files import read_text
from cot_harness.core.paths import DATA_DIR, user_path
from cot_harness.core.verbalisation import CHANNELS, Channels
from cot_harness.core.verbalisation_labels import Labels

SHIPPED_DIR = DATA_DIR / "calibration"
SHIPPED_PARTS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11", "heldout", "heldout_d")
# The parts no keyword rule was written on: the built-in calibration of a keyword rule (its
# sensitivity and specificity on the rest would be its own training fit, not its error).
HELD_OUT_PARTS = ("heldout", "heldout_d")
LABEL_KEYS = ("mentions", "relies", "dismisses")


class CalibrationError(UserInputError):
    """A calibration file that cannot be used (the message names the file and the item)."""


@dataclass(frozen=True)
class CalibrationItem:
    id: str
    kind: str
    category: str
    question: str
    hint_letter: str
    channels: Channels
    labels: dict[str, Labels]  # per present channel: "answer", and "thinking" where there is one
    split: str

    @property
    def verbalised(self) -> bool:
        """The reference label: verbalised (Chen-style) in any channel."""
        return any(label.verbalised for label in self.labels.values())

    @property
    def mentions(self) -> bool:
        return any(label.mentions for label in self.labels.values())


@dataclass(frozen=True)
class CalibrationSet:
    items: tuple[CalibrationItem, ...]
    source: str  # "builtin" or the file read
    sha256: str

    parts: tuple[str, ...] = ()  # the shipped parts it holds (empty for a user's file)

    def log_entry(self) -> dict[str, str | int]:
        return {"calibration": self.source, "calibration_sha256": self.sha256, "calibration_n": len(self.items),
                "calibration_parts": ",".join(self.parts)}

    def held_out(self) -> CalibrationSet:
        """The built-in set's held-out parts (``HELD_OUT_PARTS``): what a keyword rule is graded on.
        A user's file is kept whole — none of it was used to write the rules."""
        if self.source != "builtin":
            return self
        return CalibrationSet(tuple(i for i in self.items if i.split in HELD_OUT_PARTS), self.source,
                              self.sha256, HELD_OUT_PARTS)

    def part(self, split: str) -> list[CalibrationItem]:
        return [item for item in self.items if item.split == split]


def _labels(raw: Any, where: str) -> Labels:
    if not isinstance(raw, dict) or any(not isinstance(raw.get(k), bool) for k in LABEL_KEYS):
        raise CalibrationError(f"{where}: labels need true/false for each of {', '.join(LABEL_KEYS)}")
    return Labels(raw["mentions"], raw["relies"], raw["dismisses"])


def parse_item(raw: Any, where: str, split: str) -> CalibrationItem:
    if not isinstance(raw, dict):
        raise CalibrationError(f"{where}: an item must be a mapping")
    missing = [k for k in ("id", "kind", "answer", "labels") if raw.get(k) in (None, "")]
    if missing:
        raise CalibrationError(f"{where}: missing field(s) {', '.join(missing)}")
    thinking = raw.get("thinking")
    labels_raw = raw["labels"]
    if not isinstance(labels_raw, dict):
        raise CalibrationError(f"{where}: 'labels' must map channels ({', '.join(CHANNELS)}) to labels")
    expected = {"answer"} | ({"thinking"} if thinking is not None else set())
    if set(labels_raw) != expected:
        raise CalibrationError(f"{where}: labels given for {sorted(labels_raw)}, the item has channels {sorted(expected)}")
    labels = {channel: _labels(labels_raw[channel], f"{where} ({channel})") for channel in sorted(expected)}
    return CalibrationItem(str(raw["id"]), str(raw["kind"]), str(raw.get("category", "")), str(raw.get("question", "")),
                           str(raw.get("hint_letter", "")), Channels(str(raw["answer"]), None if thinking is None else str(thinking)),
                           labels, str(raw.get("split", split)))


def _read(file: Path, split: str) -> tuple[list[CalibrationItem], str]:
    text = read_text(file, "calibration file", CalibrationError)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else str(file)
        raise CalibrationError(f"{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(raw, list) or not raw:
        raise CalibrationError(f"{file}: expected a non-empty list of labelled items")
    items = [parse_item(item, f"{file} item {i + 1}" + (f" ({item.get('id')})" if isinstance(item, dict) else ""), split)
             for i, item in enumerate(raw)]
    return items, text


def load_calibration(spec: str | None) -> CalibrationSet | None:
    """``builtin`` (default): the shipped set, every part; ``none``: no calibration (the
    classifiers are then reported as uncalibrated); anything else: a file of the same format."""
    if spec is not None and spec.lower() == "none":
        return None
    files = [(SHIPPED_DIR / f"verbalisation_{part}.yaml", part) for part in SHIPPED_PARTS] \
        if spec in (None, "builtin") else [(user_path(spec), "user")]
    items: list[CalibrationItem] = []
    digest = hashlib.sha256()
    for file, split in files:
        if not file.exists():
            raise CalibrationError(f"calibration file {file} does not exist")
        found, text = _read(file, split)
        items += found
        digest.update(text.encode())
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise CalibrationError(f"calibration item id {item.id!r} appears twice")
        seen.add(item.id)
    builtin = spec in (None, "builtin")
    return CalibrationSet(tuple(items), "builtin" if builtin else str(files[0][0]), digest.hexdigest(),
                          SHIPPED_PARTS if builtin else ())
