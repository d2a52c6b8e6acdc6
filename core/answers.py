"""Reading a final answer out of model text, with an explicit outcome for every response.

Real model text hedges, corrects itself, refuses, is cut off at ``max_tokens`` and wraps its
answer in markdown or ``<think>`` blocks. A reader that guesses credits answers the model never
gave, so this one is strict (rules in docs/metrics.md, "Reading answers"):

* An answer is read only where the response **commits** to it: after a cue ("the answer is",
  "Answer:", "the correct option is", "I'd go with", ``\\boxed{…}``, ``#### N``, or "so (X)" /
  "actually (X)" for a corrected letter). The **last** commitment wins ("… so (B). Wait,
  actually (C)." reads C); a commitment inside a conditional ("if …, the answer would be (D)")
  is not one.
* Outcomes: ``stated`` (one answer), ``hedged`` (several options in one commitment: "(A) or
  (B)"), ``invalid_option`` (a clear answer that is not among the options: "(E)" with A–D),
  ``refusal`` (declines to answer), ``no_answer`` (nothing committed: a loop, a chain cut at
  ``max_tokens``, an unclosed ``<think>``).
* The only fallback is for **answer-only** responses (no-CoT replies, forced answers): the
  whole reply is one letter ("B", "(B)", "**B**", "B) Paris"), one option's text, or one
  number. A CoT that states nothing is never rescued by a stray "(A)" or its last number.

Every non-``stated`` outcome scores as wrong wherever an answer is compared, and is counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from cot_harness.core.prompts import AnswerFormat

Outcome = Literal["stated", "hedged", "invalid_option", "refusal", "no_answer"]
OUTCOMES: tuple[Outcome, ...] = ("stated", "hedged", "invalid_option", "refusal", "no_answer")


@dataclass(frozen=True)
class Extraction:
    """What a response commits to, and how that was read."""

    answer: str | None  # set only when outcome == "stated"
    outcome: Outcome
    rule: str  # the rule that decided: answer_is, boxed, hash, correction, answer_only, option_text, …
    committed: str = ""  # the raw text read (e.g. "A|B" for a hedge, "E" for an invalid option)

    @property
    def key(self) -> str:
        return comparison_key(self.answer, self.outcome)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def recorded_outcome(answer: str | None, outcome: str | None) -> str:
    """An answer's outcome as stored in a record; records written before outcomes existed have
    none, and their missing answers count as ``no_answer``."""
    return outcome or ("stated" if answer is not None else "no_answer")


def comparison_key(answer: str | None, outcome: str | None) -> str:
    """What answers are compared by: the answer, or ``<outcome>`` for one that committed to
    nothing (so two refusals compare equal and a refusal never equals a stated answer: the
    all-pairs convention, docs/metrics.md)."""
    return answer if answer is not None else f"<{recorded_outcome(answer, outcome)}>"


# ----------------------------------------------------------------------------------------
# Text clean-up: reasoning blocks and markdown
# ----------------------------------------------------------------------------------------
_THINK_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(think|thinking|reasoning)>", re.IGNORECASE)


def visible_answer_text(text: str) -> tuple[str, bool]:
    """The text after the last closed reasoning block; ``(…, True)`` when a block never closes
    (the model was cut off while thinking: nothing was answered)."""
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        return text[closes[-1].end():], False
    opened = _THINK_OPEN.search(text)
    if opened:
        return text[: opened.start()], True
    return text, False


_LATEX_WRAP = re.compile(r"\\(?:text|textbf|mathrm|mathbf|textit)\{([^{}]*)\}")


def clean_markdown(text: str) -> str:
    """Emphasis, code marks, headings and LaTeX wrappers removed; ``\\boxed`` kept."""
    text = _LATEX_WRAP.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)  # *italic*
    text = re.sub(r"^\s{0,3}#{1,6}\s*(?![\s#]*-?\$?\d)", "", text, flags=re.MULTILINE)  # not "#### 72"
    text = text.replace("{,}", ",")
    text = text.replace("$", "") if "\\boxed" in text or re.search(r"\$\s*\\", text) else text
    return text.replace("\u2019", "'")


# ----------------------------------------------------------------------------------------
# Commitment sites
# ----------------------------------------------------------------------------------------
_QUALIFIED = r"(?:final|correct|best|right|most\s+likely|most\s+plausible|only\s+correct|true)"
_CUES = [
    # "the answer is", "final answer:", "the best answer is: (X)", "answer would be", "Answer -"
    ("answer_is", r"\banswer\s*(?:is|would\s+be|will\s+be|should\s+be|must\s+be|=|:|-|–|—)(?:\s*therefore)?\s*:?"),
    ("answer_is", r"^[ \t]*(?:final\s+|correct\s+)?answer[ \t]*(?=\n)"),  # a heading "Answer" above it
    ("answer_is", rf"\b{_QUALIFIED}\s+(?:option|choice)\s*(?:is|would\s+be|=|:)\s*:?"),
    ("answer_is", r"\bmy\s+(?:final\s+)?(?:answer|choice|pick)\s*(?:is|:)\s*:?"),
    ("i_choose", r"\bI(?:'d|\s+would|'ll|\s+will)?\s+(?:choose|pick|select|go\s+with|answer)\b\s*(?:option\s*)?:?"),
    ("correction", r"\b(?:so|thus|therefore|hence|actually|instead)\s*[,:]?\s*(?:it'?s\s+|it\s+is\s+)?(?=\([A-Z]\))"),
    ("is_correct", r"(?<![\w(])(?=\(?[A-Z]\)?\s+is\s+(?:the\s+)?(?:correct|right|best)\b)"),
    ("boxed", r"\\boxed\s*\{"),
    ("hash", r"^\s*####\s*"),
]
_CUE_RE = [(rule, re.compile(pattern, re.IGNORECASE | re.MULTILINE)) for rule, pattern in _CUES]
_CONDITIONAL = re.compile(r"\b(?:if|unless|were|suppose|assuming|otherwise)\b[^.!?\n]*$", re.IGNORECASE)


def _braced(rest: str) -> str:
    """The text up to the brace that closes an opened ``{`` (all of it if none does)."""
    depth = 1
    for index, char in enumerate(rest):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return rest[:index]
    return rest


def _sites(text: str) -> list[tuple[int, str, str]]:
    """(position, rule, span) for every commitment cue, in order of position. The span runs
    from the cue to the end of its line (for ``\\boxed`` to the closing brace)."""
    found: list[tuple[int, str, str]] = []
    for rule, pattern in _CUE_RE:
        for hit in pattern.finditer(text):
            sentence_start = max(text.rfind(c, 0, hit.start()) for c in ".!?\n")
            if _CONDITIONAL.search(text[sentence_start + 1: hit.start()]):
                continue
            rest = text[hit.end():]
            if rule == "boxed":
                span = _braced(rest)
            else:
                span = rest.split("\n", 1)[0]
                if not span.strip() and rule in ("answer_is", "hash"):  # "Answer:\n(B)"
                    following = rest.lstrip("\n").split("\n", 1)[0]
                    span = following if len(following) < 200 else ""
            found.append((hit.start(), rule, span[:300]))
    found.sort(key=lambda site: site[0])
    return found


# ----------------------------------------------------------------------------------------
# Reading one span
# ----------------------------------------------------------------------------------------
_LETTER_TOKEN = re.compile(
    r"\(([A-Z])(?:\)|\s*$)"  # (B), or "(B" cut off by max_tokens
    r"|\[([A-Z])\]"  # [B]
    r"|(?<![\w'])(?:option|choice|letter)\s+\(?([A-Z])\b\)?"  # option B
    r"|(?<![\w'(\[])([A-Z])(?=\s*$|\s*[.,;:!)\]]|\s+(?:or|and|because|since|as|which|is|—|–|-)\b|\s*[—–-]\s)",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(r"(?:\bnot|n't|\brather\s+than|\binstead\s+of|\bover|\bexcept|\bexcluding)\s*$", re.I)
_NEGATED_AFTER = re.compile(r"\s*(?:is|are|was|would\s+be)\s+(?:wrong|incorrect|false|not\b|a\s+distractor)", re.I)
_CLAUSE_END = re.compile(
    r"(?<=[^A-Z(][.!?])\s|(?<=\))[.!?]\s|;|\bbecause\b|\bsince\b|\bas\s+(?:it|this|the)\b"
    r"|,?\s+(?:though|although|but|however|while|whereas)\b|,\s+(?:I|we|it|which)\b", re.I)
_HEDGE_WORDS = re.compile(r"\b(?:or|either|and/or|maybe|perhaps|possibly)\b|/", re.IGNORECASE)
_NONE_OF = re.compile(r"^\W*(?:none\s+of\s+(?:the\s+)?(?:above|options|choices|these)|no\s+(?:correct\s+)?option)",
                      re.IGNORECASE)


def _first_clause(span: str) -> str:
    """The span up to its first sentence end, ``;`` or stated reason ("because …")."""
    found = _CLAUSE_END.search(span)
    return span[: found.start()] if found else span


def _letters_in(clause: str) -> list[str]:
    """Letters the clause commits to, in order (a negated one — "not (A)" — is skipped)."""
    letters: list[str] = []
    for hit in _LETTER_TOKEN.finditer(clause):
        bare = hit.group(4)
        letter = next(g for g in hit.groups() if g)
        if bare is not None:
            # A bare letter must be upper case (an article "a" is not an option), must not be
            # the pronoun "I" unless it stands alone, and must open the clause or follow a list word.
            if not bare.isupper():
                continue
            before = clause[: hit.start()]
            if before.strip() and not re.search(r"(?:\bor|\band|,|/|\bis|:|\boption|\bchoice)\s*$", before, re.I):
                continue
            if bare == "I" and not re.match(r"\s*(?:$|[.,;:!)])", clause[hit.end():]):
                continue
        if _NEGATED_BEFORE.search(clause[: hit.start()]) or _NEGATED_AFTER.match(clause[hit.end():]):
            continue
        letters.append(letter.upper())
    return letters


def _option_match(clause: str, options: Sequence[str]) -> str | None:
    """The one option whose text the clause states (as its whole text or its start)."""
    said = normalise_text(clause)
    if not said:
        return None
    hits = [i for i, option in enumerate(options) if normalise_text(option) and (
        said == normalise_text(option) or re.match(re.escape(normalise_text(option)) + r"\b", said))]
    if len(hits) > 1:  # prefer the longest option stated ("red" vs "red and blue")
        longest = max(len(normalise_text(options[i])) for i in hits)
        hits = [i for i in hits if len(normalise_text(options[i])) == longest]
    return chr(ord("A") + hits[0]) if len(hits) == 1 else None


def _read_letter_span(span: str, rule: str, letters: Sequence[str], options: Sequence[str]) -> Extraction | None:
    clause = _first_clause(span)
    found = list(dict.fromkeys(_letters_in(clause)))
    if found:
        committed = "|".join(found)
        if len(found) > 1:
            return Extraction(None, "hedged", rule, committed)
        if found[0] not in letters:
            return Extraction(None, "invalid_option", rule, committed)
        if _HEDGE_WORDS.search(clause.split(found[0], 1)[0]) and re.search(r"\bor\b", clause, re.I):
            return Extraction(None, "hedged", rule, committed)
        return Extraction(found[0], "stated", rule, committed)
    if options:
        letter = _option_match(clause, options)
        if letter is not None:
            return Extraction(letter, "stated", f"{rule}+option_text", clause.strip())
    if _NONE_OF.search(clause):
        return Extraction(None, "invalid_option", rule, "none of the options")
    if options and re.match(r"\W*-?\$?\d", clause):  # a number that is none of the options
        return Extraction(None, "invalid_option", rule, clause.strip())
    return None


_NUMBER = r"-?\$?\d[\d,]*(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)


def normalise_number(raw: str) -> str | None:
    cleaned = raw.replace(",", "").replace("$", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return str(int(value)) if value == int(value) else str(value)


def _read_number_span(span: str, rule: str) -> Extraction | None:
    clause = _first_clause(span) if rule != "boxed" else span
    clause = re.sub(r"(?<=\d)\s*\\?%", "", clause)
    numbers = [n for n in (normalise_number(raw) for raw in _NUMBER_RE.findall(clause)) if n is not None]
    if not numbers:
        return None
    first = numbers[0]
    hedge = re.search(rf"({_NUMBER})\s*(?:or|/|to|and)\s*({_NUMBER})", clause, re.IGNORECASE)
    if hedge or re.search(r"\b(?:either|between)\b", clause, re.IGNORECASE):
        pair = {normalise_number(g) for g in hedge.groups()} if hedge else set(numbers[:2])
        if len(pair) > 1:
            return Extraction(None, "hedged", rule, "|".join(sorted(str(p) for p in pair)))
    return Extraction(first, "stated", rule, first)


def normalise_text(text: str) -> str:
    """Case-, quote-, bracket- and trailing-punctuation-insensitive form of a short answer."""
    cleaned = re.sub(r"^[\s*\"'`]+|[\s*\"'`.!]+$", "", text)
    return re.sub(r"\s+", " ", cleaned).lower()


def _read_text_span(span: str, rule: str) -> Extraction | None:
    phrase = normalise_text(_first_clause(span))
    if not phrase:
        return None
    if len(phrase.split()) <= 6 and re.search(r"\s(?:or|and/or)\s", phrase):
        return Extraction(None, "hedged", rule, phrase)
    return Extraction(phrase, "stated", rule, phrase)


# ----------------------------------------------------------------------------------------
# Refusals and answer-only replies
# ----------------------------------------------------------------------------------------
_REFUSAL = re.compile(
    r"\b(?:I\s+(?:can(?:no|')t|cannot|won't|will\s+not|must\s+decline|am\s+unable|'m\s+unable|am\s+not\s+able|"
    r"'m\s+not\s+able|do\s+not\s+feel\s+comfortable|don't\s+feel\s+comfortable)\b"
    r"|(?:not\s+able|unable)\s+to\s+(?:answer|help|assist|provide|determine)"
    r"|(?:can(?:no|')t|cannot)\s+(?:be\s+determined|determine|answer|choose|select|pick)"
    r"|I'm\s+sorry,?\s+but|as\s+an\s+AI\b)",
    re.IGNORECASE,
)


def _answer_only(text: str, answer_format: AnswerFormat, letters: Sequence[str], options: Sequence[str]) -> Extraction | None:
    reply = text.strip()
    if not reply or "\n" in reply.strip() and len(reply) > 80:
        return None
    if answer_format == "mc":
        bare = re.fullmatch(r"\W*\(?([A-Z])\)?(?:[.:)\]]|\s+[-–—:]?\s*.{0,80})?\W*", reply, re.DOTALL)
        if bare and (bare.group(1) in letters or len(reply) <= 4):
            letter = bare.group(1)
            rest = reply[bare.end(1):].strip(" .:)]*-–—")
            if rest and not (options and _option_match(rest, options) == letter):
                return None  # only "B", "(B)" or "B) <text of option B>" stand for an answer alone
            if letter not in letters:
                return Extraction(None, "invalid_option", "answer_only", letter)
            return Extraction(letter, "stated", "answer_only", letter)
        if options:
            letter = _option_match(reply, options)
            if letter is not None and normalise_text(reply) in {normalise_text(o) for o in options}:
                return Extraction(letter, "stated", "option_text", reply)
        return None
    if answer_format == "free":
        if re.fullmatch(rf"\W*{_NUMBER}\s*\W*", reply):
            value = normalise_number(_NUMBER_RE.findall(reply)[0])
            return Extraction(value, "stated", "answer_only", reply) if value is not None else None
        return None
    if len(reply) <= 80 and "\n" not in reply:
        return _read_text_span(reply, "answer_only")
    return None


def extract_answer(
    text: str,
    answer_format: AnswerFormat,
    letters: Sequence[str] = (),
    options: Sequence[str] = (),
    *,
    answer_only: bool = False,
    truncated: bool = False,
) -> Extraction:
    """The answer ``text`` commits to, with its outcome.

    ``answer_only``: the reply was asked for an answer alone (no-CoT, a forced answer), so a
    bare letter / option text / number counts. ``truncated``: the reply hit ``max_tokens``
    (recorded as the rule when nothing was committed).
    """
    visible, cut_in_thinking = visible_answer_text(text)
    if cut_in_thinking:
        return Extraction(None, "no_answer", "unclosed_think")
    cleaned = clean_markdown(visible)
    reader = {"mc": lambda span, rule: _read_letter_span(span, rule, letters, options),
              "free": _read_number_span, "text": _read_text_span}[answer_format]
    readings = [r for _, rule, span in _sites(cleaned) if (r := reader(span, rule)) is not None]
    if answer_format == "mc":  # "correction" sites only count when they hold a letter
        readings = [r for r in readings if r.rule != "correction" or r.outcome != "invalid_option"]
    if readings:
        return readings[-1]
    if answer_only:
        found = _answer_only(cleaned, answer_format, letters, options)
        if found is not None:
            return found
    if _REFUSAL.search(cleaned):
        return Extraction(None, "refusal", "refusal")
    return Extraction(None, "no_answer", "truncated" if truncated else "none")
