"""Answer forcing and reasoning continuation after a given (partial or edited) chain of thought.

Two strategies, chosen per provider (``strategy="auto"``) and recorded on every result:

* ``prefill`` — the chain of thought is placed at the start of the assistant turn and the
  model continues it. Anthropic does this natively up to Claude 4.5 (``anthropic_prefill``:
  4.6 and later answer a trailing assistant turn with HTTP 400); the harness's HF provider
  (``organism/``, ``local/``, ``harness-hf/``: ``providers/hf.py``) renders the prompt with the
  model's own chat template and appends the prefill text unclosed (only for messages marked here).
  Which provider can do what is one table, ``providers/capabilities.py``.
  These calls go through ``Model.generate``, so they are logged as model events and cached
  like any other call.
* ``instruction`` — for providers that cannot continue an assistant turn (OpenAI chat,
  OpenAI-compatible servers, Claude 4.6 and later, reasoning models whose thinking cannot be prefilled): the
  partial reasoning is shown back as an assistant turn and a user turn asks the model to
  stop and answer (or to continue). This is weaker evidence (the model may re-reason), so
  it is flagged in every score.

A forced answer is what the reply commits to (``cot_harness.core.answers``: outcome, rule). Option
log-probabilities are read only **where the letter is committed**: under prefill, the first
generated position (right after the cue "So the answer is ("); under the instruction
fallback, the position of the letter the text commits to, located in the returned tokens
(after its last "answer is (" cue, else the last standalone occurrence of that letter). Never
"the first position that offers a letter": the first word of a free reply ("A", "The", "B")
offers letters that are words. Where the position cannot be located the text answer stands
alone and ``logprob_source`` says so. Under prefill, a reply whose text commits to nothing but
whose first position offers option letters is read as their argmax (Lanham et al.'s forced
choice); ``rule="logprob_argmax"`` marks it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
)

from cot_harness.core.answers import Extraction, comparison_key, extract_answer
from cot_harness.core.prompts import (
    ANSWER_CUE,
    CONTINUE_REASONING,
    STOP_AND_ANSWER,
    AnswerFormat,
    forced_prefix,
)
from cot_harness.providers.capabilities import PREFILL_MARK, capabilities, matching_rule

Strategy = Literal["prefill", "instruction"]


def resolve_strategy(model: Model, requested: str = "auto", reasoning: bool = False) -> Strategy:
    """The forcing strategy for ``model``: ``prefill`` where the provider can continue a turn
    (``providers.capabilities``)."""
    caps, rule = capabilities(model), matching_rule(model)
    if requested in ("prefill", "instruction"):
        if requested == "prefill" and not (caps.prefill or rule.provider == "MockLLM"):
            why = ("rejects assistant prefill (Claude 4.6 and later)" if rule.provider == "AnthropicAPI"
                   else f"cannot continue an assistant turn ({rule.why})")
            raise ValueError(f"forcing='prefill': {model.name} {why}; use forcing='instruction' or 'auto'")
        return requested  # type: ignore[return-value]
    if requested != "auto":
        raise ValueError(f"unknown forcing strategy {requested!r}; use auto, prefill or instruction")
    if reasoning and not caps.prefill_with_thinking:
        return "instruction"  # e.g. Anthropic refuses prefill together with extended thinking
    return "prefill" if caps.prefill else "instruction"


def prefill_message(text: str, model: Model) -> ChatMessageAssistant:
    if capabilities(model).strip_trailing_whitespace:
        text = text.rstrip()  # the API rejects a prefill that ends in whitespace
    return ChatMessageAssistant(content=text, metadata={PREFILL_MARK: True}, model=model.name)


def prefill_config(model: Model) -> GenerateConfig:
    """What a prefill request needs beyond the trailing assistant message (vLLM: the documented
    ``continue_final_message`` / ``add_generation_prompt`` fields; nothing elsewhere)."""
    body = capabilities(model).prefill_body()
    return GenerateConfig(extra_body=body) if body else GenerateConfig()


def supports_logprobs(model: Model) -> bool:
    """Whether to ask ``model`` for log-probabilities (not Anthropic, not reasoning models)."""
    return capabilities(model).logprobs


@dataclass
class Forced:
    """One forced answer, with everything needed to audit it."""

    answer: str | None
    strategy: Strategy
    written: str
    option_logprobs: dict[str, float] = field(default_factory=dict)
    outcome: str = "stated"  # cot_harness.core.answers.OUTCOMES (``answer`` is set only when stated)
    rule: str = "answer_only"
    logprob_source: str = "none"  # prefill_position | committed_letter | not_located | none
    rereasoned: bool = False  # instruction fallback: the reply reasoned again before answering

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "outcome": self.outcome,
            "rule": self.rule,
            "strategy": self.strategy,
            "written": self.written,
            "option_logprobs": self.option_logprobs or None,
            "logprob_source": self.logprob_source,
            "rereasoned": self.rereasoned,
        }


def answer_key(forced: dict[str, Any]) -> str:
    """The comparison key (``cot_harness.core.answers.comparison_key``) of a stored forced answer."""
    return comparison_key(forced.get("answer"), forced.get("outcome"))


def raw_letters_from_top(top: list[tuple[str, float]], letters: list[str]) -> dict[str, float]:
    """Option letters among one position's top tokens, with their log-probabilities as given."""
    found: dict[str, float] = {}
    for token, logprob in top:
        stripped = token.strip().strip("(")
        if stripped in letters and stripped not in found:
            found[stripped] = logprob
    return found


def letters_from_top(top: list[tuple[str, float]], letters: list[str]) -> dict[str, float]:
    """Option letters among one position's top tokens, log-probabilities normalised over them."""
    found = raw_letters_from_top(top, letters)
    if not found:
        return {}
    total = math.log(sum(math.exp(v) for v in found.values()))
    return {k: v - total for k, v in found.items()}


def _positions(output: ModelOutput) -> list[Any]:
    choice = output.choices[0] if output.choices else None
    return list(choice.logprobs.content) if choice is not None and choice.logprobs is not None else []


def letter_logprobs(output: ModelOutput, letters: list[str]) -> dict[str, float]:
    """Option-letter log-probabilities at the **first generated (non-space) position**, normalised
    over the letters found: the answer position when the prompt ends in the answer cue (prefill)."""
    positions = [p for p in _positions(output) if p.token.strip()]  # a leading space token is not the answer
    if not positions:
        return {}
    return letters_from_top([(t.token, t.logprob) for t in positions[0].top_logprobs or []], letters)


_CUE_BEFORE_LETTER = re.compile(r"answer(?:\s+is|:)\s*:?\s*\(?\s*$", re.IGNORECASE)


def committed_letter_logprobs(output: ModelOutput, letter: str, letters: list[str]) -> dict[str, float]:
    """Option-letter log-probabilities at the position where the reply writes the letter it
    commits to: the token holding ``letter`` right after the last "answer is (" cue, else its
    last standalone occurrence. Empty when no returned token is that letter."""
    positions = _positions(output)
    if not positions:
        return {}
    text, starts = "", []
    for position in positions:
        starts.append(len(text))
        text += position.token
    candidates = [i for i, p in enumerate(positions) if p.token.strip().strip("(*[").rstrip(").]*") == letter]
    if not candidates:
        return {}
    after_cue = [i for i in candidates if _CUE_BEFORE_LETTER.search(text[: starts[i]] + positions[i].token.split(letter)[0])]
    chosen = (after_cue or candidates)[-1]
    return letters_from_top([(t.token, t.logprob) for t in positions[chosen].top_logprobs or []], letters)


def _rereasoned(written: str) -> bool:
    """Did an instruction-fallback reply reason before answering? Anything beyond the answer
    sentence (more than a short line before the cue) counts."""
    before = re.split(r"answer\s+is|answer:", written, maxsplit=1, flags=re.IGNORECASE)[0]
    return len(before.strip()) > 40 or before.count("\n") >= 2


async def force_answer(
    model: Model,
    chat: list[ChatMessage],
    cot_prefix: str,
    answer_format: AnswerFormat,
    letters: list[str],
    strategy: Strategy,
    config: GenerateConfig | None = None,
    options: list[str] | None = None,
) -> Forced:
    """The answer ``model`` gives right after ``cot_prefix`` (which may be empty)."""
    base = config or GenerateConfig()
    if strategy == "prefill" and answer_format == "mc" and letters and capabilities(model).prompt_logprobs:
        return await scored_option(model, chat, cot_prefix, letters, base)
    wants_logprobs = answer_format == "mc" and supports_logprobs(model)
    if strategy == "prefill":
        cue_text = forced_prefix(cot_prefix, answer_format)
        messages = [*chat, prefill_message(cue_text, model)]
        gen = base.merge(prefill_config(model)).merge(GenerateConfig(max_tokens=4 if answer_format == "mc" else 12))
    else:
        cue = ANSWER_CUE[answer_format] + ("X)." if answer_format == "mc" else "<answer>.")
        messages = [*chat]
        if cot_prefix.strip():
            messages.append(ChatMessageAssistant(content=cot_prefix.rstrip(), model=model.name))
        messages.append(ChatMessageUser(content=STOP_AND_ANSWER.format(cue=cue)))
        # Room for the answer sentence and a little more, not for a new chain of thought: a
        # reply that reasons again is cut and counted (``rereasoned``), never silently used.
        gen = base.merge(GenerateConfig(max_tokens=INSTRUCTION_ANSWER_TOKENS))
    if wants_logprobs:
        gen = gen.merge(GenerateConfig(logprobs=True, top_logprobs=20))
    output = await model.generate(messages, config=gen)
    return read_forced(output, strategy, answer_format, letters, options or [])


INSTRUCTION_ANSWER_TOKENS = 40
PROMPT_LOGPROBS = 20


async def scored_option(model: Model, chat: list[ChatMessage], cot_prefix: str, letters: list[str],
                        base: GenerateConfig) -> Forced:
    """The forced answer read from prompt log-probabilities (vLLM's ``prompt_logprobs``): the
    partial CoT, the cue and one option letter are sent as the message to continue, and the
    distribution over options is the alternatives at that letter's position — the same next-token
    distribution generation would sample from, read without generating (one token is the minimum)."""
    cue_text = forced_prefix(cot_prefix, "mc") + letters[0]
    gen = base.merge(prefill_config(model)).merge(GenerateConfig(max_tokens=1, prompt_logprobs=PROMPT_LOGPROBS))
    output = await model.generate([*chat, prefill_message(cue_text, model)], config=gen)
    scored = output.choices[0].prompt_logprobs if output.choices else None
    last = scored.content[-1] if scored and scored.content else None
    top = [(last.token, last.logprob)] + [(t.token, t.logprob) for t in last.top_logprobs or []] if last else []
    found = letters_from_top(top, letters)
    if not found:
        return Forced(None, "prefill", "", {}, "no_answer", "prompt_logprobs_missing", "not_located")
    best = max(found, key=lambda k: found[k])
    return Forced(best, "prefill", best, found, rule="prompt_logprob_argmax", logprob_source="prompt_logprobs")



def read_forced(
    output: ModelOutput, strategy: Strategy, answer_format: AnswerFormat, letters: list[str], options: list[str]
) -> Forced:
    """A forced reply read: its committed answer and outcome, and the log-probabilities at the
    committed letter's position (see the module docstring)."""
    written = output.completion
    tail = ANSWER_CUE[answer_format] + written if strategy == "prefill" else written
    truncated = output.stop_reason == "max_tokens"
    found: Extraction = extract_answer(tail, answer_format, letters, options, answer_only=True, truncated=truncated)
    logprobs: dict[str, float] = {}
    source = "none"
    if answer_format == "mc" and _positions(output):
        if strategy == "prefill":
            logprobs = letter_logprobs(output, letters)
            source = "prefill_position" if logprobs else "not_located"
        elif found.answer is not None:
            logprobs = committed_letter_logprobs(output, found.answer, letters)
            source = "committed_letter" if logprobs else "not_located"
    answer, outcome, rule = found.answer, found.outcome, found.rule
    if answer is None and strategy == "prefill" and logprobs:
        answer, outcome, rule = max(logprobs, key=lambda k: logprobs[k]), "stated", "logprob_argmax"
    rereasoned = strategy == "instruction" and _rereasoned(written)
    return Forced(answer, strategy, written, logprobs, outcome, rule, source, rereasoned)


async def continue_reasoning(
    model: Model,
    chat: list[ChatMessage],
    cot_prefix: str,
    strategy: Strategy,
    max_tokens: int,
    config: GenerateConfig | None = None,
) -> str:
    """The text ``model`` writes after ``cot_prefix`` (prefix not included)."""
    gen = (config or GenerateConfig()).merge(GenerateConfig(max_tokens=max_tokens))
    if strategy == "prefill":
        gen = gen.merge(prefill_config(model))
        messages = [*chat, prefill_message(cot_prefix, model)]
    else:
        messages = [
            *chat,
            ChatMessageAssistant(content=cot_prefix.rstrip(), model=model.name),
            ChatMessageUser(content=CONTINUE_REASONING),
        ]
    output = await model.generate(messages, config=gen)
    text = output.completion
    if strategy == "instruction" and text and not text[0].isspace():
        text = "\n" + text
    return text
