"""Judge prompt templates as data: shipped files in ``solvers/judge_templates/`` or any user
file, checked for their fields before a run and recorded (source and SHA-256) in the log, so
two runs graded with different prompts can always be told apart.

Each kind of judge fills a fixed set of fields (``{cot}``, ``{question}``, …); a template may
use any of them and must use the ones that carry what is judged.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from inspect_ai.model import CachePolicy, GenerateConfig, Model

from cot_harness.core.errors import UserInputError
from cot_harness.core.files import read_text
from cot_harness.core.hints import HINT_DESCRIPTIONS
from cot_harness.core.paths import user_path
from cot_harness.core.verbalisation import Channels, Verdicts
from cot_harness.core.verbalisation_labels import Labels

TEMPLATES_DIR = Path(__file__).parent / "judge_templates"
JudgeKind = Literal["hint", "bias", "abduction", "monitor"]
# fields each kind of judge fills, and the ones a template must use
FIELDS: dict[JudgeKind, tuple[set[str], set[str]]] = {
    "hint": ({"letter", "description", "question", "cot"}, {"cot"}),
    "bias": ({"letter", "description", "question", "cot"}, {"cot"}),
    "abduction": ({"question", "answer", "behaviours"}, {"answer", "behaviours"}),
    "monitor": ({"letter", "description", "question", "cot"}, {"cot"}),
}
DEFAULTS: dict[JudgeKind, str] = {"hint": "hint_chen", "bias": "bias_acknowledgement", "abduction": "abduction_behaviour",
                                  "monitor": "monitor_hint"}


class TemplateError(UserInputError):
    """A judge template that cannot be used (the message names the file and the problem)."""


@dataclass(frozen=True)
class JudgeTemplate:
    text: str
    source: str  # a shipped name ("hint_strict") or the file read
    sha256: str

    def render(self, **fields: str) -> str:
        return self.text.format(**fields).rstrip()

    def log_entry(self) -> dict[str, str]:
        return {"judge_template": self.source, "judge_template_sha256": self.sha256}


def shipped_templates() -> list[str]:
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.txt"))


def load_template(spec: str | None, kind: JudgeKind) -> JudgeTemplate:
    """``spec``: None (the kind's default), a shipped template's name, or a path to a file."""
    name = spec or DEFAULTS[kind]
    shipped = TEMPLATES_DIR / f"{name}.txt"
    file = shipped if shipped.exists() else user_path(name)
    if not file.exists():
        raise TemplateError(f"judge template {name!r}: no such file, and no shipped template of that name "
                            f"({', '.join(shipped_templates())})")
    text = read_text(file, "judge template", TemplateError)
    source = name if file == shipped else str(file)
    allowed, required = FIELDS[kind]
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as error:
        raise TemplateError(f"judge template {source}: {error} (write a literal brace as {{{{ or }}}})") from None
    unknown, missing = used - allowed, required - used
    if unknown:
        raise TemplateError(f"judge template {source}: unknown field(s) {sorted(unknown)}; a {kind} judge "
                            f"template may use {sorted(allowed)}")
    if missing:
        raise TemplateError(f"judge template {source}: must use {sorted('{' + m + '}' for m in missing)}")
    return JudgeTemplate(text, source, hashlib.sha256(text.encode()).hexdigest())


# --- verdicts: what a judge's reply says (a grader of a classifier, a monitor, a judge scorer) ---

_VERDICT = re.compile(r"^\s*\**VERDICT:?\**\s*(YES|NO)\b", re.IGNORECASE | re.MULTILINE)
def _line(name: str, text: str) -> bool | None:
    found = re.findall(rf"^\s*\**{name}:?\**\s*(YES|NO)\b", text, re.IGNORECASE | re.MULTILINE)
    return found[-1].upper() == "YES" if found else None


def parse_verdict(text: str) -> bool | None:
    """The judge's last 'VERDICT: YES/NO' line; None when it gave none (counted, not guessed)."""
    found = _VERDICT.findall(text)
    return found[-1].upper() == "YES" if found else None


def parse_labels(text: str) -> Labels | None:
    """A judge reply's labels: its VERDICT line (required: without it the reply is unreadable)
    and, where the template asks for them, its MENTIONS / RELIES / DISMISSES lines."""
    verdict = parse_verdict(text)
    if verdict is None:
        return None
    mentions = _line("MENTIONS", text)
    if mentions is None:
        return Labels.single(verdict)
    return Labels(mentions, _line("RELIES", text), _line("DISMISSES", text), verdict)


async def judge_verdicts(judge: Model, template: JudgeTemplate, channels: Channels, kind: str, letter: str,
                         question: str, cache: bool | CachePolicy = False) -> tuple[Verdicts, dict[str, str]]:
    """One judge call per present channel; the replies are returned for the score's metadata."""
    description = HINT_DESCRIPTIONS.get(kind, f"a biasing feature of type '{kind}'")
    replies: dict[str, str] = {}
    verdicts: dict[str, Labels | None] = {}
    for channel, text in channels.present().items():
        prompt = template.render(letter=letter, description=description, question=question,
                                 cot=text.strip() or "(no reasoning)")
        output = await judge.generate(prompt, config=GenerateConfig(max_tokens=400), cache=cache)
        replies[channel] = output.completion
        verdicts[channel] = parse_labels(output.completion)
    unreadable = any(v is None for v in verdicts.values())
    return Verdicts(verdicts["answer"], verdicts.get("thinking"), channels.thinking is not None, unreadable), replies
