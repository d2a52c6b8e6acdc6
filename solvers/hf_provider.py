"""Two fixes to Inspect's HF provider, applied when a task is built for an HF model.

Model info. Inspect's live event mapping looks up model info by the model's name once per
process. For an ``hf/...`` (or ``organism/...``) name missing from its database it falls back
to instantiating a fresh provider with no model arguments: for a hub id that loads the weights
a second time (twice the memory: an 8B model would not fit on a 24 GB box), for ``hf/local``
it asks the hub for a repository called "local" and retries for about a minute. A registered
entry short-circuits that lookup.

Batching latency. The provider queues each generate request; a background thread collects
requests until none has arrived for 2 s, then generates them as one batch, while each waiting
sample polls for its result once a second. Every sequential call of a sample (its CoT, then
each forced answer) therefore idles up to 3 s: on the organisms about two thirds of the wall
time (``benchmarks/hf_batching.py``). ``fast_hf_batching`` drains the queue after 50 ms of
quiet instead and awaits the result directly. Batches still form from every request already
queued (and from those arriving while a batch runs), through the provider's own batch thread
and ``generate``; ``COT_HARNESS_HF_BATCHING=inspect`` keeps Inspect's timing.

Both use private Inspect API (checked for on use; a changed provider is left alone with a
warning: slower, same results).
"""

from __future__ import annotations

import asyncio
import os
import warnings
from concurrent.futures import Future
from typing import Any

from inspect_ai.model import ModelInfo, set_model_info
from inspect_ai.model._model import active_model
from inspect_ai.model._model_info import _get_custom_model_info

QUIET_SECONDS = 0.05
_HF_INTERNALS = ("_drain_batches", "batch_queue", "batch_thread", "batched_generate", "process_batches",
                 "_QueueItem", "_batch_key", "Thread")


def _is_hf(api: object) -> bool:
    # by class name: importing the HF provider class would import torch for API runs too
    return any(cls.__name__ == "HuggingFaceAPI" for cls in type(api).__mro__)


def prepare_hf_provider() -> None:
    """Apply both fixes if the active model is an HF model (no-op otherwise, and when a task
    is built outside an eval, where no model is active yet)."""
    model = active_model()
    if model is None or not _is_hf(model.api):
        return
    register_hf_model_info()
    if os.environ.get("COT_HARNESS_HF_BATCHING", "fast") != "inspect":
        fast_hf_batching()


def register_hf_model_info() -> None:
    """Record the active HF model's context window under its name."""
    model = active_model()
    if model is None or _get_custom_model_info(str(model)) is not None:
        return
    config = getattr(getattr(model.api, "model", None), "config", None)
    window = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    set_model_info(str(model), ModelInfo(context_length=window if isinstance(window, int) else None))


def fast_hf_batching() -> None:
    """Make the HF provider's batch queue low-latency (process-wide, idempotent). Takes effect
    even if the batch thread already runs: it looks the drain function up on every round."""
    from inspect_ai.model._providers import hf

    module: Any = hf
    if getattr(module, "_cot_harness_fast_batching", False):
        return
    if missing := [name for name in _HF_INTERNALS if not hasattr(module, name)]:
        warnings.warn(f"Inspect's HF provider lacks {missing}: its batching is left as is (slower, same results)",
                      stacklevel=2)
        return
    drain, inspect_generate = module._drain_batches, module.batched_generate

    def quick_drain(queue: Any, timeout: float) -> Any:
        return drain(queue, min(timeout, QUIET_SECONDS))

    async def batched_generate(input: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # another event loop (trio): Inspect's own polling works there
            return await inspect_generate(input)
        if module.batch_thread is None:
            module.batch_thread = module.Thread(target=module.process_batches, daemon=True)
            module.batch_thread.start()
        future: Future[Any] = Future()
        module.batch_queue.put(module._QueueItem(input=input, future=future, key=module._batch_key(input)))
        # shielded: a cancelled sample must not cancel its future, or the batch thread's
        # set_result on it would fail the whole batch
        return await asyncio.shield(asyncio.wrap_future(future))

    module._drain_batches = quick_drain
    module.batched_generate = batched_generate
    module._cot_harness_fast_batching = True
