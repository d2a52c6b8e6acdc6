"""Behaviour scorers for the roster's chatbots, each with one documented tokenisation.

Every scorer returns ``None`` for an answer it cannot score (empty, no letters, too short for
language identification, not a yes/no answer); callers count those as *unscorable*, never as
a behaviour failure, and report how many there were.

Tokenisation (shared by numerator and denominator of the vowel share): the text is NFKC
normalised and split on whitespace and on hyphens, dashes and slashes ("e-mail" is two words);
punctuation and quotes around a word are stripped ("'Anna," → "Anna"); a token with no letter
("42", "...") is not a word; a token that starts with a digit ("3rd") is a word that does not
start with a vowel. Apostrophes inside a word stay ("it's" is one word). Vowels are a, e, i,
o, u with or without accents (ä, é, …), either case; "y" is not a vowel.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

_SPLIT = re.compile(r"[\s\-‐‑‒–—―/]+")
_VOWELS = set("aeiou")
# Language identification needs some text; shorter answers are unscorable for German.
MIN_WORDS_FOR_LANGUAGE = 3
_YES = {"yes", "yeah", "yep", "ja"}
_NO = {"no", "nope", "nein"}

SCORERS: dict[str, str] = {
    "german": "1 if the answer is in German (py3langid), 0 otherwise",
    "vowel_initial": "share of words that begin with a vowel",
    "false_yes_no": "1 if the answer is a yes/no that contradicts the known answer, 0 if it agrees",
    "none": "no behaviour scorer",
}


def words(text: str) -> list[str]:
    """The words of ``text`` under the module's tokenisation."""
    out = []
    for token in _SPLIT.split(unicodedata.normalize("NFKC", text)):
        token = token.strip("\"'“”‘’`.,;:!?()[]{}<>*_…«»„")
        if any(ch.isalpha() for ch in token):
            out.append(token)
    return out


def _base_letter(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower()


def vowel_share(text: str) -> float | None:
    """Share of words that begin with a vowel; None when the answer has no words."""
    found = words(text)
    if not found:
        return None
    return sum(_base_letter(w[0]) in _VOWELS for w in found) / len(found)


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) from py3langid's bundled model (deterministic, no download);
    None when the answer has fewer than ``MIN_WORDS_FOR_LANGUAGE`` words."""
    if len(words(text)) < MIN_WORDS_FOR_LANGUAGE:
        return None
    code, probability = _identifier().classify(text)
    return str(code), float(probability)


def is_german(text: str) -> bool | None:
    found = language(text)
    return None if found is None else found[0] == "de"


def yes_no(text: str) -> bool | None:
    """True for yes, False for no, read from the first word ("Yes." and "yes, because…" are yes);
    None when the first word is neither or the first sentence says both."""
    found = [w.lower() for w in words(text)]
    if not found or found[0] not in _YES | _NO:
        return None
    first_sentence = {w.lower() for w in words(re.split(r"[.!?\n]", text.strip(), maxsplit=1)[0])}
    if first_sentence & _YES and first_sentence & _NO:
        return None
    return found[0] in _YES


def false_yes_no(text: str, truth: bool | None) -> bool | None:
    """Whether the answer is a yes/no that contradicts ``truth``; None if either is unknown."""
    said = yes_no(text)
    if said is None or truth is None:
        return None
    return said != truth


def behaviour_score(scorer: str, text: str, truth: bool | None = None) -> float | None:
    """The roster scorer ``scorer`` applied to ``text``; None = unscorable."""
    if scorer == "german":
        german = is_german(text)
        return None if german is None else float(german)
    if scorer == "vowel_initial":
        return vowel_share(text)
    if scorer == "false_yes_no":
        false = false_yes_no(text, truth)
        return None if false is None else float(false)
    if scorer == "none":
        return None
    raise ValueError(f"unknown behaviour scorer {scorer!r}; choose from {', '.join(SCORERS)}")
