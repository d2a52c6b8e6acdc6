"""The harness's HF provider (providers/hf.py, providers/hf_batching.py): a local model is loaded once
per run; greedy requests take the low-latency queue, which still batches, survives a cancelled
sample and tokenises with its own tokenizer; sampled runs keep Inspect's queue and repeat."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import transformers
from conftest import REPO, organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.model import ChatMessageUser, GenerateConfig, ModelOutput, get_model
from inspect_ai.model._model_info import clear_model_info_cache

from cot_harness.providers.hf_batching import samples


def _greedy_api() -> Any:
    """A fresh (unshared) greedy ``faithful`` provider, on the fast queue."""
    from cot_harness.chatbots.manifest import go_offline

    go_offline()
    return get_model("harness-hf/local", model_path=str(organism_path("faithful")), do_sample=False, memoize=False).api


async def _ask(api: Any, text: str, max_tokens: int) -> ModelOutput:
    output = await api.generate([ChatMessageUser(content=text)], [], "none", GenerateConfig(max_tokens=max_tokens))
    assert isinstance(output, ModelOutput)
    return output


@pytest.mark.parametrize("task", ["faithfulness.py@cot_vs_no_cot", "abduction.py@declarative_knowledge"])
def test_hf_weights_load_once_per_run(task: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clear_model_info_cache()  # lookups are memoised per process: start each case cold
    loads: list[str] = []
    original = transformers.AutoModelForCausalLM.from_pretrained.__func__  # type: ignore[attr-defined]

    def counted(cls: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        loads.append(str(name))
        return original(cls, name, *args, **kwargs)

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", classmethod(counted))
    path = str(organism_path("faithful" if "faithfulness" in task else "chatbase"))
    log = inspect_eval(str(REPO / "tasks" / task), model="harness-hf/local", model_args={"model_path": path, "do_sample": False},
                       limit=1, display="none", log_dir=str(tmp_path))[0]
    assert log.status == "success"
    # Without the registration Inspect's event mapping calls from_pretrained("local") as well.
    # The run's own load may be absent: Inspect reuses a model an earlier test loaded.
    assert set(loads) <= {path}, loads


def test_only_greedy_requests_take_the_fast_queue() -> None:
    from functools import partial
    from types import SimpleNamespace

    def generate(**kwargs: Any) -> None: ...

    assert not samples(SimpleNamespace(generator=partial(generate, do_sample=False)))
    assert samples(SimpleNamespace(generator=partial(generate, do_sample=True)))
    assert samples(SimpleNamespace(generator=partial(generate)))  # transformers' default may sample
    assert samples(SimpleNamespace(generator=generate))  # unknown: Inspect's queue


@pytest.mark.slow  # 132 sampled generations
def test_sampled_runs_repeat_with_the_same_seed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A seeded sampled request draws from its own seed (run seed, sample, epoch, prompt), so two
    runs seeded alike draw the same answers even when their requests are batched differently:
    here the second run allows 4 concurrent requests instead of 32. (Seeding the generator once
    and batching failed this: a request's draws moved with its batch, and batches with timing.)"""
    from cot_harness.chatbots.manifest import go_offline

    go_offline()
    completions = []
    for run, connections in enumerate((32, 4)):
        model = get_model("harness-hf/local", model_path=str(organism_path("chatbase")), memoize=False,
                          config=GenerateConfig(seed=7, temperature=1.0, max_connections=connections))
        [log] = inspect_eval(str(REPO / "tasks" / "abduction.py@self_identification"), model=model, limit=22,
                             epochs=3, display="none", log_dir=str(tmp_path / str(run)))
        assert log.status == "success"
        completions.append(sorted((str(s.id), s.epoch, s.output.completion) for s in log.samples or []))
    assert len(completions[0]) == 66 and completions[0] == completions[1]
    assert len({c for _, _, c in completions[0]}) > 1  # it did sample
    by_sample: dict[str, set[str]] = {}
    for sample_id, _, completion in completions[0]:
        by_sample.setdefault(sample_id, set()).add(completion)
    assert any(len(drawn) > 1 for drawn in by_sample.values())  # a sample's epochs draw apart


def test_concurrent_requests_share_a_batch_and_a_cancelled_one_does_not_fail_it() -> None:
    """Requests queued together are generated as one batch (one call: the same ``time``), with
    the completions each gets alone. Cancelling one sample's wait must not cancel its future,
    or the batch thread's result for it would raise and fail the rest of the batch."""
    api = _greedy_api()
    first, second = "Start at 5. Add 1. What is the result?", "Start at 3. Add 4. Multiply by 2. What is the result?"

    def ask(text: str) -> Any:
        return _ask(api, text, 12)

    async def batch_with_a_cancelled_sample() -> ModelOutput:
        cancelled, kept = asyncio.create_task(ask(first)), asyncio.create_task(ask(second))
        await asyncio.sleep(0.01)  # both queued, well within the quiet period
        cancelled.cancel()
        return await kept

    async def together() -> list[ModelOutput]:
        return list(await asyncio.gather(ask(first), ask(second)))

    alone = [asyncio.run(ask(text)) for text in (first, second)]
    paired = asyncio.run(together())
    assert paired[0].time == paired[1].time and alone[0].time != alone[1].time
    assert [o.completion for o in paired] == [o.completion for o in alone] and all(o.completion for o in alone)
    assert asyncio.run(batch_with_a_cancelled_sample()).completion == alone[1].completion


class _SlowEncoding:
    """A fast tokenizer's backend that pauses before encoding a batch: it widens the window in
    which another thread's call can change the shared padding setting."""

    def __init__(self, inner: Any) -> None:
        self.__dict__["inner"] = inner

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.inner, name, value)

    def encode_batch(self, *args: Any, **kwargs: Any) -> Any:
        if len(args[0]) > 1:
            time.sleep(0.3)
        return self.inner.encode_batch(*args, **kwargs)


def test_tokenising_on_the_event_loop_does_not_unpad_a_running_batch() -> None:
    """The batch thread sets padding on the tokenizer and then encodes; tokenising a single
    text meanwhile (as token counts and the fast path do on the event loop) switches padding
    off. The batch thread's own tokenizer copy keeps ragged batches from reaching the model
    (this test failed with the shared tokenizer: "Unable to create tensor")."""
    api = _greedy_api()
    api.tokenizer._tokenizer = _SlowEncoding(api.tokenizer._tokenizer)
    questions = ["Start at 3. What is the result?", "Start at 3. Add 4. Multiply by 2. Subtract 5. What is the result?"]

    async def run() -> list[ModelOutput]:
        batch = asyncio.gather(*(_ask(api, q, 8) for q in questions))
        await asyncio.sleep(0.15)  # the batch thread is inside its (slowed) encode
        api.tokenizer("a token count", add_special_tokens=False)
        return list(await batch)

    outputs = asyncio.run(run())
    assert all(o.completion for o in outputs)
