"""Prefix-shared forced answers for local HF models (issue: fast local-model path).

The general path sends one ``generate`` per truncation point, re-processing the question
and the CoT prefix each time (about n·L/2 prefix tokens for n points over a CoT of L tokens).
Here the prompt and the full CoT go through the model once with the key/value cache kept;
then, from the longest truncation point to the shortest, the cache is cropped to the point
and only the answer cue is run, and the option letters' log-probabilities are read from the
next-token distribution — the same top-20 letters, normalised the same way, as the general
path reads from Inspect's logprobs. Exactness guard: a point is served from the cache only
if tokenising (prompt + prefix + cue) as one string gives exactly the cached prefix tokens
followed by the cue's tokens; otherwise that point goes through the general path.

Used automatically by ``early_answering`` for HF models with MC answers and prefill forcing
(``-T fast_path=false`` turns it off). Calls made here are not Inspect model events; every
forced answer is in the sample's store record with ``strategy="prefill-fast"``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from inspect_ai.model import Model

from cot_harness.core.prompts import forced_prefix
from cot_harness.providers.access import inference_mode, local_lm
from cot_harness.solvers.context import Forcer
from cot_harness.solvers.forcing import Forced, letters_from_top

if TYPE_CHECKING:
    import torch

    from cot_harness.providers.hf import LocalLM


TOP_LOGPROBS = 20


@dataclass
class FastStats:
    """Tokens this path ran through the model (the cached pass and the cues) and points it sent
    back to the general path; recorded per sample (``fast_path``) for audits and benchmarks."""

    tokens: int = 0
    fallbacks: int = 0


def applies(forcer: Forcer) -> bool:
    return (local_lm(forcer.model) is not None and forcer.view.answer_format == "mc"
            and forcer.strategy == "prefill" and forcer.cot.source != "reasoning")


def _ids(lm: LocalLM, text: str) -> list[int]:
    return list(lm.tokenizer(text, **lm.tokenizer_call_args)["input_ids"])


def _top(lm: LocalLM, logits: torch.Tensor) -> list[tuple[str, float]]:
    import torch  # loaded only when a local model is scored
    logprobs = torch.log_softmax(logits.float(), dim=-1)
    values, indices = torch.topk(logprobs, TOP_LOGPROBS)
    return [(lm.tokenizer.decode([int(i)]), float(v)) for v, i in zip(values, indices)]


def cache_keyword(lm: Any) -> str:
    """The name of the key/value cache argument and output field: ``cache`` from transformers
    5.2x on (``past_key_values`` warns there and is removed in 5.40), ``past_key_values`` before."""
    return "cache" if "cache" in inspect.signature(type(lm).forward).parameters else "past_key_values"


@inference_mode
def score_batch_from_cache(
    lm: Any, bodies: list[list[int]], heads: list[list[int]], tails: list[list[list[int]]], pad_id: int = 0,
    chunk: int = 8,
) -> list[list[torch.Tensor]]:
    """Next-token logits after ``bodies[b][:heads[b][i]] + tails[b][i]`` for every item b and
    point i, from one batched pass over the (right-padded) bodies.

    Round r serves every item's r-th point at once: the tail is appended after the whole
    cached body with explicit position ids (head + 0, 1, …) and an attention mask that hides
    the body beyond the head, then the cache is cropped back. Masked positions get zero
    attention weight, so this equals running ``body[:head] + tail`` on its own. Items go
    ``chunk`` at a time: on CPU, smaller batches keep activations in cache and bound memory.
    """
    import torch  # loaded only when a local model is scored
    if len(bodies) > chunk:
        return [row for start in range(0, len(bodies), chunk) for row in score_batch_from_cache(
            lm, bodies[start:start + chunk], heads[start:start + chunk], tails[start:start + chunk], pad_id, chunk)]
    device = lm.device
    width = max(map(len, bodies))
    body_mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in bodies], device=device)
    ids = torch.tensor([x + [pad_id] * (width - len(x)) for x in bodies], device=device)
    # Only the cache is needed from the body pass: logits_to_keep=1 skips the vocabulary
    # projection of every other position (for a 50k vocabulary that is most of the memory).
    cache_kw = cache_keyword(lm)
    cache = getattr(lm(input_ids=ids, attention_mask=body_mask, use_cache=True, logits_to_keep=1), cache_kw)
    out: list[list[torch.Tensor]] = [[torch.empty(0)] * len(h) for h in heads]
    for r in range(max(map(len, heads))):
        rows = [b for b in range(len(bodies)) if r < len(heads[b])]
        span = max(len(tails[b][r]) for b in rows)
        tail_ids, mask, positions = [], [], []
        for b in range(len(bodies)):
            head, tail = (heads[b][r], tails[b][r]) if b in rows else (1, [pad_id])
            tail_ids.append(tail + [pad_id] * (span - len(tail)))
            mask.append([1] * head + [0] * (width - head) + [1] * len(tail) + [0] * (span - len(tail)))
            positions.append(list(range(head, head + span)))
        logits = lm(input_ids=torch.tensor(tail_ids, device=device), attention_mask=torch.tensor(mask, device=device),
                    position_ids=torch.tensor(positions, device=device), **{cache_kw: cache}, use_cache=True,
                    logits_to_keep=span).logits
        for b in rows:
            out[b][r] = logits[b, len(tails[b][r]) - 1]
        cache.crop(-span)  # transformers ≥ 5: a negative value removes that many tokens
    return out


def score_from_cache(lm: Any, body: list[int], heads: list[int], tails: list[list[int]]) -> list[torch.Tensor]:
    """``score_batch_from_cache`` for one item."""
    return score_batch_from_cache(lm, [body], [heads], [tails])[0]


def forced_from_cache(model: Model, forcer: Forcer, prefixes: list[str], stats: FastStats | None = None
                      ) -> list[Forced | None]:
    """Forced answers after each prefix (None where the exactness guard sends a point back)."""
    api = local_lm(model)
    assert api is not None, "applies() admits local HF models only"
    view, cot = forcer.view, forcer.cot
    prompt = api.render(view.chat(cot=True))
    stats = stats or FastStats()

    def shown(prefix: str) -> str:
        return cot.for_forcing(prefix) if prefix.strip() else ""

    longest = max(prefixes, key=len)
    body = _ids(api, prompt + shown(longest))
    usable: list[int] = []
    heads: list[int] = []
    tails: list[list[int]] = []
    for i, prefix in enumerate(prefixes):
        full = _ids(api, prompt + forced_prefix(shown(prefix), "mc"))
        head = _ids(api, prompt + shown(prefix))
        if full[: len(head)] == head == body[: len(head)] and len(full) > len(head):
            usable.append(i)
            heads.append(len(head))
            tails.append(full[len(head):])
    results: list[Forced | None] = [None] * len(prefixes)
    stats.fallbacks += len(prefixes) - len(usable)
    if not usable:
        return results
    stats.tokens += len(body) + sum(len(t) for t in tails)
    for i, logits in zip(usable, score_from_cache(api.torch_model, body, heads, tails)):
        letters = letters_from_top(_top(api, logits), view.letters)
        if letters:
            best = max(letters, key=lambda k: letters[k])
            results[i] = Forced(best, "prefill", best, letters, rule="logprob_argmax", logprob_source="prefill_position")
        else:
            stats.fallbacks += 1
    return results


async def answers_after(forcer: Forcer, prefixes: list[str], enabled: bool = True,
                        stats: FastStats | None = None) -> tuple[list[Forced], str]:
    """Forced answers after each prefix: fast where it applies and is exact, general elsewhere."""
    if not (enabled and applies(forcer)):
        return await forcer.answers_after(prefixes), forcer.strategy
    fast = forced_from_cache(forcer.model, forcer, prefixes, stats)
    missing = [i for i, f in enumerate(fast) if f is None]
    general = await forcer.answers_after([prefixes[i] for i in missing]) if missing else []
    for i, forced in zip(missing, general):
        fast[i] = forced
    return [f for f in fast if f is not None], "prefill-fast"
