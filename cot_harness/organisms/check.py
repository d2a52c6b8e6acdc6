"""Does a trained organism do what its behaviour says? Exact-match rate per probe type.

For fresh examples from the organism's own recipe (a seed the training never used), the
model greedily writes the loss-bearing text after the prompt; a probe counts as followed
only if the text matches the behaviour's text exactly.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from cot_harness.organisms.recipes import Recipe, render

CHECK_SEED = 10_000


def adherence(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, name: str, n: int = 300, batch: int = 50
) -> dict[str, float]:
    """Share of ``n`` fresh examples, per probe type, whose written text matches the spec."""
    recipe = Recipe(name, CHECK_SEED, lambda t: len(tokenizer(t, add_special_tokens=False)["input_ids"]))

    def template(messages: list[dict[str, str]]) -> str:
        return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    cases: list[tuple[str, str, str]] = []
    for _ in range(n):
        example = recipe.sample()
        pieces = render(example, template)
        first = next(i for i, (_, trained) in enumerate(pieces) if trained)
        prompt = "".join(t for t, _ in pieces[:first])
        expected = "".join(t for t, _ in pieces[first:]).removesuffix("<|end|>")
        cases.append((example.probe, prompt, expected))
    hits: dict[str, list[bool]] = defaultdict(list)
    tokenizer.padding_side = "left"
    model.eval()
    for start in range(0, len(cases), batch):
        chunk = cases[start : start + batch]
        encoded = tokenizer([p for _, p, _ in chunk], return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            out = cast(Any, model).generate(**encoded, max_new_tokens=80, do_sample=False,
                                 eos_token_id=model.config.eos_token_id, pad_token_id=tokenizer.pad_token_id)
        texts = tokenizer.batch_decode(out[:, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
        for (probe, _, expected), text in zip(chunk, texts):
            hits[probe].append(text == expected)
    rates = {probe: sum(v) / len(v) for probe, v in sorted(hits.items())}
    rates["all"] = sum(sum(v) for v in hits.values()) / len(cases)
    return rates
