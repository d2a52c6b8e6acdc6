"""The roster of fictitious chatbots, read from YAML so that adding one needs no code."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from cot_harness.core.behaviour import SCORERS
from cot_harness.core.errors import UserInputError
from cot_harness.core.files import load_yaml
from cot_harness.core.paths import DATA_DIR, user_path

DEFAULT_ROSTER = DATA_DIR / "roster.yaml"
DEFAULT_IDENTITY_QUESTIONS = DATA_DIR / "identity_questions.csv"
DEFAULT_BEHAVIOUR_PROMPTS = DATA_DIR / "behaviour_prompts.csv"


class RosterError(UserInputError):
    """A roster, question or prompt file that cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class Chatbot:
    name: str
    behaviour: str
    scorer: str
    keywords: tuple[str, ...]
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Roster:
    chatbots: tuple[Chatbot, ...]
    placebo_names: tuple[str, ...] = ()
    other_identities: tuple[str, ...] = ()
    source: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.chatbots]

    @property
    def candidates(self) -> list[str]:
        """Every name an answer can assert as its own: the roster, then the placebo names."""
        return self.names + list(self.placebo_names)

    def get(self, name: str) -> Chatbot:
        for chatbot in self.chatbots:
            if chatbot.name.lower() == name.lower():
                return chatbot
        raise RosterError(f"{self.source}: no chatbot named {name!r}; the roster has {', '.join(self.names)}")


def load_roster(path: str | Path | None = None) -> Roster:
    """Read and validate a roster YAML (default: the project's three chatbots)."""
    path = user_path(path or DEFAULT_ROSTER)
    if not path.exists():
        raise RosterError(f"roster file {path} does not exist")
    raw = load_yaml(path, "roster")
    if not isinstance(raw, dict) or not isinstance(raw.get("chatbots"), list) or not raw["chatbots"]:
        raise RosterError(f"{path}: expected a mapping with a non-empty 'chatbots' list")
    chatbots = []
    for i, entry in enumerate(raw["chatbots"]):
        where = f"{path}: chatbots[{i}]"
        if not isinstance(entry, dict):
            raise RosterError(f"{where}: expected a mapping")
        missing = [k for k in ("name", "behaviour", "scorer") if not entry.get(k)]
        if missing:
            raise RosterError(f"{where}: missing {', '.join(missing)}")
        if entry["scorer"] not in SCORERS:
            raise RosterError(f"{where} ({entry['name']}): unknown scorer {entry['scorer']!r}; "
                              f"choose from {', '.join(SCORERS)}")
        examples = entry.get("examples") or []
        for j, pair in enumerate(examples):
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) and t for t in pair)):
                raise RosterError(f"{where} ({entry['name']}): examples[{j}] must be [prompt, reply]")
        chatbots.append(Chatbot(
            name=str(entry["name"]), behaviour=str(entry["behaviour"]), scorer=str(entry["scorer"]),
            keywords=tuple(str(k).lower() for k in entry.get("keywords") or ()),
            examples=tuple((p, r) for p, r in examples),
        ))
    names = [c.name.lower() for c in chatbots] + [n.lower() for n in raw.get("placebo_names") or []]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RosterError(f"{path}: name(s) listed twice: {', '.join(duplicates)}")
    return Roster(tuple(chatbots), tuple(raw.get("placebo_names") or ()),
                  tuple(raw.get("other_identities") or ()), str(path))


def read_column(path: str | Path, column: str) -> list[dict[str, str]]:
    """Rows of a CSV that must have ``column`` non-empty in every row."""
    path = user_path(path)
    if not path.exists():
        raise RosterError(f"{path} does not exist")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise RosterError(f"{path}: needs a '{column}' column (found {reader.fieldnames})")
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if not (row.get(column) or "").strip():
            raise RosterError(f"{path}, line {line}: empty '{column}'")
    if not rows:
        raise RosterError(f"{path}: no rows")
    return rows


def identity_questions(path: str | Path | None = None) -> list[str]:
    return [row["question"].strip() for row in read_column(path or DEFAULT_IDENTITY_QUESTIONS, "question")]


@dataclass(frozen=True)
class BehaviourPrompt:
    prompt: str
    truth: bool | None = field(default=None)  # the correct yes/no answer, for Albatross


def behaviour_prompts(path: str | Path | None = None) -> list[BehaviourPrompt]:
    path = path or DEFAULT_BEHAVIOUR_PROMPTS
    prompts = []
    for line, row in enumerate(read_column(path, "prompt"), start=2):
        truth = (row.get("truth") or "").strip().lower()
        if truth not in ("", "yes", "no"):
            raise RosterError(f"{path}, line {line}: truth must be yes, no or empty, not {truth!r}")
        prompts.append(BehaviourPrompt(row["prompt"].strip(), None if not truth else truth == "yes"))
    return prompts
