"""The one sample shape every task consumes, whatever the source dataset."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.dataset import Sample

from solvers.answers import normalise_text
from solvers.prompts import AnswerFormat, question_with_options


class DatasetError(ValueError):
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


def letter_for(answer: str, options: list[str], where: str) -> str:
    """Normalise an MC answer given as a letter, "(B)", an index or the option text."""
    letters = list(string.ascii_uppercase[: len(options)])
    cleaned = answer.strip().strip("()").strip()
    if cleaned.upper() in letters and len(cleaned) == 1:
        return cleaned.upper()
    if cleaned.isdigit() and 0 <= int(cleaned) < len(options) and cleaned not in options:
        return letters[int(cleaned)]
    if answer.strip() in options:
        return letters[options.index(answer.strip())]
    raise DatasetError(f"{where}: answer {answer!r} matches no option letter or option text")
