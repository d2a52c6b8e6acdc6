"""The one sample shape every task consumes, whatever the source dataset."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.dataset import Sample

from cot_harness.core.answers import normalise_text
from cot_harness.core.errors import UserInputError
from cot_harness.core.prompts import AnswerFormat, question_with_options


class DatasetError(UserInputError):
    """Bad dataset input; the message names the dataset, file, line or field at fault."""


@dataclass
class Question:
    """A question in harness form: MC (options + letter) or free answer."""

    id: str
    question: str
    answer: str
    options: list[str] = field(default_factory=list)
    dataset: str = ""
    gold_cot: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    text_answer: bool = False

    def __post_init__(self) -> None:
        if self.text_answer:
            self.answer = normalise_text(self.answer)

    @property
    def answer_format(self) -> AnswerFormat:
        """``mc`` (options), ``text`` (a short phrase) or ``free`` (a number)."""
        return "mc" if self.options else "text" if self.text_answer else "free"

    @property
    def letters(self) -> list[str]:
        return list(string.ascii_uppercase[: len(self.options)])

    def to_sample(self) -> Sample:
        if self.options and self.answer not in self.letters:
            raise DatasetError(
                f"{self.dataset} item {self.id}: answer {self.answer!r} is not one of the option letters "
                f"{self.letters}"
            )
        return Sample(
            id=self.id,
            input=question_with_options(self.question, self.options or None, self.letters),
            target=self.answer,
            choices=self.options or None,
            metadata={
                "dataset": self.dataset,
                "question_id": self.id,
                "answer_format": self.answer_format,
                "letters": self.letters,
                "question": self.question,
                "options": self.options,
                "gold_cot": self.gold_cot,
                **self.extra,
            },
        )


def letter_for(answer: str, options: list[str], where: str, answer_index: int | None = None) -> str:
    """Normalise an MC answer given as a letter, "(B)", the option text, or an index.

    An index is read only when its base is declared (``answer_index`` 0 or 1): "1" is the
    first option in 1-based files and the second in 0-based ones, and guessing silently shifts
    every gold letter. An undeclared digit is accepted only as an option's exact text when it
    cannot also be an index."""
    letters = list(string.ascii_uppercase[: len(options)])
    cleaned = answer.strip().strip("()").strip()
    if cleaned.upper() in letters and len(cleaned) == 1 and not cleaned.isdigit():
        return cleaned.upper()
    if cleaned.isdigit() and answer_index is not None:
        index = int(cleaned) - answer_index
        if not 0 <= index < len(options):
            raise DatasetError(f"{where}: answer {answer!r} is no option index ({answer_index}-based, "
                               f"{len(options)} options)")
        return letters[index]
    if cleaned.isdigit():
        as_text = answer.strip() in options
        could_be_index = 0 <= int(cleaned) <= len(options)
        if as_text and not could_be_index:
            return letters[options.index(answer.strip())]
        raise DatasetError(
            f"{where}: answer {answer!r} is a number: give the option letter or text, or declare the index "
            "base with -T answer_index=0 or -T answer_index=1 (or an 'answer_index' column)"
        )
    if answer.strip() in options:
        return letters[options.index(answer.strip())]
    raise DatasetError(f"{where}: answer {answer!r} matches no option letter or option text")


def check_options(options: list[str], where: str) -> None:
    """An MC item needs at least two options, all distinct (else no answer is identifiable)."""
    if len(options) == 1:
        raise DatasetError(f"{where}: only one option ({options[0]!r}); a multiple-choice item needs at least two")
    if len(options) > len(string.ascii_uppercase):
        raise DatasetError(f"{where}: {len(options)} options; at most {len(string.ascii_uppercase)} (A–Z) can be lettered")
    empty = [i + 1 for i, option in enumerate(options) if not option.strip()]
    if empty:
        raise DatasetError(f"{where}: option {empty[0]} is empty")
    seen: dict[str, int] = {}
    for i, option in enumerate(options):
        key = " ".join(option.split()).lower()
        if key in seen:
            raise DatasetError(f"{where}: options {seen[key] + 1} and {i + 1} are the same text ({option!r})")
        seen[key] = i


def duplicate_questions(questions: list[Question]) -> list[tuple[str, str]]:
    """(id, reason) for every question whose text and options repeat an earlier one's."""
    first: dict[tuple[str, tuple[str, ...]], str] = {}
    found: list[tuple[str, str]] = []
    for q in questions:
        key = (" ".join(q.question.split()).lower(), tuple(" ".join(o.split()).lower() for o in q.options))
        if key in first:
            found.append((q.id, f"duplicate of {first[key]} (same question and options): removed"))
        else:
            first[key] = q.id
    return found
