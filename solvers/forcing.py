"""Answer forcing and reasoning continuation after a given (partial or edited) chain of thought.

Two strategies, chosen per provider (``strategy="auto"``) and recorded on every result:

* ``prefill`` — the chain of thought is placed at the start of the assistant turn and the
  model continues it. Anthropic does this natively up to Claude 4.5 (``anthropic_prefill``:
  4.6 and later answer a trailing assistant turn with HTTP 400); Inspect's HF provider closes a trailing
  assistant turn, so ``enable_hf_prefill`` makes it render the prompt with the model's own
  chat template and append the prefill text unclosed (only for messages this module marks).
  These calls go through ``Model.generate``, so they are logged as model events and cached
  like any other call.
* ``instruction`` — for providers that cannot continue an assistant turn (OpenAI chat,
  OpenAI-compatible servers, Claude 4.6 and later, reasoning models whose thinking cannot be prefilled): the
  partial reasoning is shown back as an assistant turn and a user turn asks the model to
  stop and answer (or to continue). This is weaker evidence (the model may re-reason), so
  it is flagged in every score.

Forced multiple-choice answers are the argmax over option letters of the next-token
log-probabilities when the provider returns them (sampling settings do not change it);
otherwise the letter parsed from the text.
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

from solvers.answers import parse_answer
from solvers.prompts import ANSWER_CUE, CONTINUE_REASONING, STOP_AND_ANSWER, AnswerFormat, forced_prefix

Strategy = Literal["prefill", "instruction"]
PREFILL_MARK = "cot_harness_prefill"
_PREFILL_APIS = {"HuggingFaceAPI", "AnthropicAPI"}


def api_name(model: Model) -> str:
    """The provider class behind ``model`` (a subclass, e.g. ``organism/``, counts as its base)."""
    for cls in type(model.api).__mro__:
        if cls.__name__ in _PREFILL_APIS | {"MockLLM"}:
            return cls.__name__
    return type(model.api).__name__


_CLAUDE_3 = re.compile(r"claude-3(?:-\d)?-(?:opus|sonnet|haiku)|claude-instant")
_CLAUDE_VERSION = re.compile(r"claude-(?:opus|sonnet|haiku|fable|mythos)-(\d+)(?:-(\d)(?!\d))?")


def anthropic_prefill(model_name: str) -> bool:
    """Whether this Claude model continues a trailing assistant turn. Claude 3.x through 4.5
    do; from 4.6 on (and every 5.x model) the API rejects it with HTTP 400 ("This model does
    not support assistant message prefill"). A name that does not parse is taken to be a newer
    model: the instruction fallback works everywhere, a refused prefill nowhere."""
    if _CLAUDE_3.search(model_name):
        return True
    found = _CLAUDE_VERSION.search(model_name)
    return found is not None and (int(found.group(1)), int(found.group(2) or 0)) < (4, 6)


def provider_prefills(model: Model) -> bool:
    """Whether ``model`` continues a trailing assistant turn: HF models, and Claude up to 4.5."""
    api = api_name(model)
    return api == "HuggingFaceAPI" or (api == "AnthropicAPI" and anthropic_prefill(model.name))


def resolve_strategy(model: Model, requested: str = "auto", reasoning: bool = False) -> Strategy:
    """The forcing strategy for ``model``: ``prefill`` where the provider can continue a turn."""
    if requested in ("prefill", "instruction"):
        if requested == "prefill" and not (provider_prefills(model) or api_name(model) == "MockLLM"):
            why = ("rejects assistant prefill (Claude 4.6 and later)" if api_name(model) == "AnthropicAPI"
                   else f"cannot continue an assistant turn ({api_name(model)})")
            raise ValueError(f"forcing='prefill': {model.name} {why}; use forcing='instruction' or 'auto'")
        return requested  # type: ignore[return-value]
    if requested != "auto":
        raise ValueError(f"unknown forcing strategy {requested!r}; use auto, prefill or instruction")
    if api_name(model) == "AnthropicAPI" and reasoning:
        return "instruction"  # the API refuses prefill together with extended thinking
    return "prefill" if provider_prefills(model) else "instruction"


def enable_hf_prefill(model: Model) -> None:
    """Let Inspect's HF provider continue an assistant message marked with ``PREFILL_MARK``."""
    api: Any = model.api
    if api_name(model) != "HuggingFaceAPI" or getattr(api, "_cot_harness_prefill", False):
        return
    render = api.hf_chat

    def hf_chat(messages: list[ChatMessage], tools: list[Any]) -> str:
        last = messages[-1] if messages else None
        if isinstance(last, ChatMessageAssistant) and (last.metadata or {}).get(PREFILL_MARK):
            return str(render(messages[:-1], tools)) + last.text
        return str(render(messages, tools))

    api.hf_chat = hf_chat
    api._cot_harness_prefill = True


def prefill_message(text: str, model: Model) -> ChatMessageAssistant:
    if api_name(model) == "AnthropicAPI":
        text = text.rstrip()  # the API rejects a prefill that ends in whitespace
    return ChatMessageAssistant(content=text, metadata={PREFILL_MARK: True}, model=model.name)


@dataclass
class Forced:
    """One forced answer, with everything needed to audit it."""

    answer: str | None
    strategy: Strategy
    written: str
    option_logprobs: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "strategy": self.strategy,
            "written": self.written,
            "option_logprobs": self.option_logprobs or None,
        }


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


def letter_logprobs(output: ModelOutput, letters: list[str]) -> dict[str, float]:
    """Log-probabilities of the option letters at the first position that offers one.

    Normalised over the letters found, so they sum to one in probability space.
    """
    choice = output.choices[0] if output.choices else None
    if choice is None or choice.logprobs is None:
        return {}
    for position in choice.logprobs.content:
        found = letters_from_top([(t.token, t.logprob) for t in position.top_logprobs or []], letters)
        if found:
            return found
    return {}


async def force_answer(
    model: Model,
    chat: list[ChatMessage],
    cot_prefix: str,
    answer_format: AnswerFormat,
    letters: list[str],
    strategy: Strategy,
    config: GenerateConfig | None = None,
) -> Forced:
    """The answer ``model`` gives right after ``cot_prefix`` (which may be empty)."""
    base = config or GenerateConfig()
    wants_logprobs = answer_format == "mc"
    if strategy == "prefill":
        enable_hf_prefill(model)
        cue_text = forced_prefix(cot_prefix, answer_format)
        messages = [*chat, prefill_message(cue_text, model)]
        gen = base.merge(GenerateConfig(max_tokens=4 if wants_logprobs else 12))
    else:
        cue = ANSWER_CUE[answer_format] + ("X)." if answer_format == "mc" else "<answer>.")
        messages = [*chat]
        if cot_prefix.strip():
            messages.append(ChatMessageAssistant(content=cot_prefix.rstrip(), model=model.name))
        messages.append(ChatMessageUser(content=STOP_AND_ANSWER.format(cue=cue)))
        cue_text = ""
        gen = base.merge(GenerateConfig(max_tokens=40))
    if wants_logprobs:
        gen = gen.merge(GenerateConfig(logprobs=True, top_logprobs=20))
    output = await model.generate(messages, config=gen)
    written = output.completion
    logprobs = letter_logprobs(output, letters) if wants_logprobs else {}
    if logprobs:
        answer: str | None = max(logprobs, key=lambda k: logprobs[k])
    else:
        tail = ANSWER_CUE[answer_format] + written if strategy == "prefill" else written
        answer = parse_answer(tail, answer_format, letters)
    return Forced(answer, strategy, written, logprobs)


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
        enable_hf_prefill(model)
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
