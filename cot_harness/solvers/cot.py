"""Where a chain of thought lives in a model's output, and how an edited one is put back.

* ``text``: the visible completion is the CoT (ending in its answer sentence).
* ``think``: ``<think>…</think>`` in the completion (HF reasoning models; Inspect's HF
  provider leaves the tags in the text). Edits act inside the tags; forcing closes them.
* ``reasoning``: ``ContentReasoning`` parts from an API provider (Claude thinking,
  o-series summaries). Thinking cannot be prefilled or edited in place, so an edited
  reasoning is shown back as visible assistant text (instruction forcing) — a weaker
  intervention, flagged in scores as ``cot_source="reasoning"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from inspect_ai.model import ContentReasoning, ModelOutput

from cot_harness.core.steps import SplitCoT, extract_think, split_steps

CoTSource = Literal["text", "think", "reasoning"]


@dataclass(frozen=True)
class CoT:
    """The reasoning text that interventions edit, and what followed it."""

    text: str
    source: CoTSource
    after: str
    unclosed: bool = False  # a <think> block that never closed (cut off while thinking)

    @property
    def split(self) -> SplitCoT:
        return split_steps(self.text)

    @property
    def answer_text(self) -> str:
        """Text to read the stated answer from (for a think block that never closed, the open block
        itself, so the reader records ``unclosed_think`` rather than an empty reply)."""
        if self.unclosed:
            return f"<think>\n{self.text}"
        return self.after if self.source != "text" else self.text

    def for_forcing(self, reasoning_prefix: str) -> str:
        """Assistant text that presents ``reasoning_prefix`` before an answer cue."""
        if self.source == "think":
            return f"<think>\n{reasoning_prefix}\n</think>\n"
        return reasoning_prefix

    def for_continuation(self, reasoning_prefix: str) -> str:
        """Assistant text from which the model continues ``reasoning_prefix``."""
        return f"<think>\n{reasoning_prefix}" if self.source == "think" else reasoning_prefix


def extract_cot(output: ModelOutput) -> CoT:
    message = output.message
    if isinstance(message.content, list):
        thoughts = [c.reasoning or (c.summary or "") for c in message.content if isinstance(c, ContentReasoning)]
        if any(t.strip() for t in thoughts):
            return CoT("\n".join(t for t in thoughts if t.strip()), "reasoning", message.text)
    completion = output.completion
    thought, after = extract_think(completion)
    if thought is not None:
        return CoT(thought, "think", after, unclosed=not re.search(r"</think>", completion, re.IGNORECASE))
    return CoT(completion.strip(), "text", "")
