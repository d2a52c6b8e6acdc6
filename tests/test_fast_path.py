"""The prefix-shared fast path gives the general path's answers and log-probabilities."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

pytestmark = pytest.mark.slow


def _run(fast: bool, log_dir: Path) -> EvalLog:
    [log] = inspect_eval("tasks/faithfulness.py@early_answering", model="organism/faithful",
                         task_args={"n": 40, "max_tokens": 96, "fast_path": fast}, log_dir=str(log_dir),
                         max_connections=32, display="none")
    assert log.status == "success"
    return log


def test_fast_path_equals_general_path(tmp_path: Path) -> None:
    fast, general = _run(True, tmp_path / "fast"), _run(False, tmp_path / "general")
    pairs = 0
    for a, b in zip(sorted(fast.samples or [], key=lambda s: str(s.id)),
                    sorted(general.samples or [], key=lambda s: str(s.id)), strict=True):
        ra, rb = a.store["early_answering"], b.store["early_answering"]
        assert ra["strategy"] == "prefill-fast" and rb["strategy"] == "prefill"
        assert ra["prefixes"] == rb["prefixes"]
        # every point was served from the cache, and the record says what that cost
        assert ra["fast_path"]["fallbacks"] == 0 and ra["fast_path"]["tokens"] > 0 and rb["fast_path"] is None
        for fa, fb in zip(ra["forced"], rb["forced"], strict=True):
            pairs += 1
            assert fa["answer"] == fb["answer"]
            assert set(fa["option_logprobs"]) == set(fb["option_logprobs"])
            for letter, value in fa["option_logprobs"].items():
                assert abs(value - fb["option_logprobs"][letter]) < 1e-4
    assert pairs >= 40 * 4


def test_batched_cache_scoring_equals_separate_full_passes() -> None:
    """Items of different lengths in one batch: each point's logits equal a plain forward
    pass over body[:head] + tail (the exactness the batching relies on)."""
    import torch
    from conftest import organism_path
    from transformers import AutoModelForCausalLM

    from cot_harness.solvers.fast_prefix import score_batch_from_cache

    lm = AutoModelForCausalLM.from_pretrained(organism_path("faithful")).eval()
    g = torch.Generator().manual_seed(0)
    bodies = [torch.randint(5, 600, (n,), generator=g).tolist() for n in (30, 44, 37)]
    heads = [[5, 17, 30], [9, 44], [2, 20, 33, 37]]
    tails = [[torch.randint(5, 600, (k,), generator=g).tolist() for k in (3, 5, 4, 2)][: len(h)] for h in heads]
    batched = score_batch_from_cache(lm, bodies, heads, tails)
    with torch.inference_mode():
        for b, body in enumerate(bodies):
            for i, head in enumerate(heads[b]):
                plain = lm(torch.tensor([body[:head] + tails[b][i]])).logits[0, -1]
                assert torch.allclose(torch.log_softmax(batched[b][i], -1), torch.log_softmax(plain, -1), atol=1e-4)
