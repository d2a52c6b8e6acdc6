"""What each provider can do, as data: one row per provider class and model-name rule.

The forcing code asks ``capabilities(model)`` instead of testing class names, so supporting a new
provider (or a model family that changes behaviour, like Claude 4.6 dropping prefill) is one row.

Columns: ``prefill`` (continues a trailing assistant turn), ``strip_trailing_whitespace`` (the API
rejects a prefill ending in whitespace), ``logprobs`` (returns token log-probabilities when asked;
reasoning models reject the parameter), ``reasoning_channel`` (where a reasoning model's thinking
arrives: ``content`` = Inspect's ``ContentReasoning``, ``think_tags`` = ``<think>…</think>`` in the
text), ``prefill_with_thinking`` (prefill still allowed while extended thinking is on),
``prefill_request`` (extra request-body fields a prefill needs: vLLM continues the final assistant
message only when asked, with ``continue_final_message`` and no generation prompt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from inspect_ai.model import Model

ReasoningChannel = Literal["content", "think_tags", "none"]


@dataclass(frozen=True)
class Capabilities:
    prefill: bool
    strip_trailing_whitespace: bool
    logprobs: bool
    reasoning_channel: ReasoningChannel
    prefill_with_thinking: bool = False
    prefill_request: tuple[tuple[str, bool], ...] = ()
    prompt_logprobs: bool = False  # scores prompt tokens (vLLM's ``prompt_logprobs``): an option read without generating

    def prefill_body(self) -> dict[str, bool]:
        return dict(self.prefill_request)


@dataclass(frozen=True)
class Rule:
    provider: str  # a provider class name in the model API's class hierarchy (subclasses match)
    model: str  # a regular expression searched in the model name ("" matches every name)
    capabilities: Capabilities
    why: str


# Claude 3.x, and named families up to version 4.5 ("-4-20250514" is 4.0: a date is not a minor version)
_CLAUDE_PREFILL = (r"claude-3(?:-\d)?-(?:opus|sonnet|haiku)|claude-instant"
                   r"|claude-(?:opus|sonnet|haiku|fable|mythos)-(?:[0-3](?!\d)|4(?!\d)(?:-[0-5](?!\d)|(?!-\d(?!\d))))")
_REASONING_OPENAI = r"(?:^|/)(?:o\d|gpt-5)"
# vLLM's chat API (documented request fields): continue the last assistant message, do not open a new one
_VLLM_PREFILL = (("continue_final_message", True), ("add_generation_prompt", False))
_VLLM = Capabilities(True, False, True, "think_tags", prefill_with_thinking=True, prefill_request=_VLLM_PREFILL,
                     prompt_logprobs=True)

# First matching row wins; the order goes from specific to general.
RULES: tuple[Rule, ...] = (
    Rule("HarnessHFAPI", "", Capabilities(True, False, True, "think_tags"),
         "the harness's HF provider renders the chat template and continues the prefill unclosed"),
    Rule("HuggingFaceAPI", "", Capabilities(False, False, True, "think_tags"),
         "Inspect's HF provider closes a trailing assistant turn (use harness-hf/, local/ or organism/ for prefill)"),
    Rule("AnthropicAPI", _CLAUDE_PREFILL, Capabilities(True, True, False, "content"),
         "Claude 3.x to 4.5 continue a trailing assistant turn; no log-probabilities API"),
    Rule("AnthropicAPI", "", Capabilities(False, True, False, "content"),
         "Claude 4.6 and later (and names that do not parse: taken to be newer) answer prefill with HTTP 400"),
    Rule("OpenAIAPI", _REASONING_OPENAI, Capabilities(False, False, False, "content"),
         "OpenAI reasoning models reject logprobs and cannot continue an assistant turn"),
    Rule("VLLMAPI", "", _VLLM, "vLLM continues the final assistant message with continue_final_message"),
    Rule("OpenAICompatibleAPI", r"^vllm/", _VLLM,
         "an OpenAI-compatible server declared vLLM by its service name (openai-api/vllm/<model>, VLLM_BASE_URL)"),
    Rule("MockLLM", "", Capabilities(False, False, True, "none"), "control-flow tests only"),
    Rule("ModelAPI", _REASONING_OPENAI, Capabilities(False, False, False, "content"),
         "reasoning models behind any API reject logprobs"),
    Rule("ModelAPI", "", Capabilities(False, False, True, "content"),
         "OpenAI chat and OpenAI-compatible servers (vLLM, TGI, transformers serve) close the turn"),
)


def matching_rule(model: Model) -> Rule:
    classes = {cls.__name__ for cls in type(model.api).__mro__}
    for rule in RULES:
        if rule.provider in classes and re.search(rule.model, model.name):
            return rule
    raise AssertionError("the last rule matches every ModelAPI")


def capabilities(model: Model) -> Capabilities:
    return matching_rule(model).capabilities


def anthropic_prefill(model_name: str) -> bool:
    """Whether this Claude model continues a trailing assistant turn (3.x through 4.5)."""
    return re.search(_CLAUDE_PREFILL, model_name) is not None


# The metadata key a solver sets on a trailing assistant message the harness's HF provider should
# continue, unclosed (prefill); other providers ignore it.
PREFILL_MARK = "cot_harness_prefill"
