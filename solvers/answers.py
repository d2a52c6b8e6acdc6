"""Reading a final answer out of model text. A failure returns None and is counted upstream."""

from __future__ import annotations

import re

_LETTER_PATTERNS = [
    r"answer is:?\s*\(?\**\s*\(([A-Z])\)",
    r"answer is:?\s*\**\(?([A-Z])\)?\**(?![A-Za-z])",
    r"answer:\s*\(?([A-Z])\)?(?![A-Za-z])",
]
_NUMBER = r"-?\$?\d[\d,]*(?:\.\d+)?"


def parse_letter(text: str, letters: list[str]) -> str | None:
    """The option letter a response commits to: its last "answer is (X)", else a lone "(X)"."""
    for pattern in _LETTER_PATTERNS:
        hits = [h for h in re.findall(pattern, text, flags=re.IGNORECASE) if h.upper() in letters]
        if hits:
            return str(hits[-1]).upper()
    lone = [h for h in re.findall(r"\(([A-Z])\)", text) if h in letters]
    if len(set(lone)) == 1:
        return str(lone[-1])
    stripped = text.strip().rstrip(".)").lstrip("(")
    return stripped if stripped in letters else None


def normalise_number(raw: str) -> str | None:
    cleaned = raw.replace(",", "").replace("$", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return str(int(value)) if value == int(value) else str(value)


def parse_number(text: str) -> str | None:
    """The number a response commits to: after its last "answer is", else its last number."""
    tail = re.split(r"answer is", text, flags=re.IGNORECASE)
    if len(tail) > 1:
        found = re.findall(_NUMBER, tail[-1])
        if found:
            return normalise_number(found[0])
    found = re.findall(_NUMBER, text)
    return normalise_number(found[-1]) if found else None


def normalise_text(text: str) -> str:
    """Case-, quote- and trailing-punctuation-insensitive form of a short answer."""
    cleaned = re.sub(r"^[\s*\"'`]+|[\s*\"'`.!]+$", "", text)
    return re.sub(r"\s+", " ", cleaned).lower()


def parse_text(text: str) -> str | None:
    """The phrase after the last "answer is", up to the end of its line (normalised)."""
    parts = re.split(r"answer is:?", text, flags=re.IGNORECASE)
    if len(parts) < 2:
        return None
    phrase = parts[-1].strip().splitlines()[0] if parts[-1].strip() else ""
    normalised = normalise_text(phrase)
    return normalised or None


def parse_answer(text: str, answer_format: str, letters: list[str]) -> str | None:
    if answer_format == "mc":
        return parse_letter(text, letters)
    if answer_format == "text":
        return parse_text(text)
    return parse_number(text)
