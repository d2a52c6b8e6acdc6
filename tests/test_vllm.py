"""vLLM as a first-class provider: prefill through vLLM's documented ``continue_final_message``
(not the instruction fallback), tested through Inspect's own ``vllm/`` provider against a local
stand-in server over an organism (tests/vllm_server.py; no GPU here, so no real vLLM)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, organism_path
from inspect_ai import eval as inspect_eval
from vllm_server import vllm_server

pytestmark = pytest.mark.slow


def _forced_answers(log: Any) -> dict[str, list[str | None]]:
    return {str(s.id): [f["answer"] for f in s.store["early_answering"]["forced"]] for s in log.samples or []}


def test_early_answering_on_vllm_prefills_and_matches_the_hf_path(tmp_path: Path) -> None:
    task = f"{REPO}/tasks/faithfulness.py@early_answering"
    args = {"n": 8, "max_points": 5}
    with vllm_server(organism_path("faithful")) as server:
        [vllm_log] = inspect_eval(task, model="vllm/faithful", model_base_url=server.base_url,
                                  model_args={"api_key": "none"}, task_args=args, display="none",
                                  log_dir=str(tmp_path / "vllm"))
    assert vllm_log.status == "success", vllm_log.error
    forced_bodies = [b for b in server.bodies if b["messages"][-1]["role"] == "assistant"]
    assert forced_bodies, "no request continued an assistant message"
    for body in forced_bodies:  # the option is scored from prompt log-probabilities, not generated
        assert body["continue_final_message"] is True and body["add_generation_prompt"] is False
        assert body["messages"][-1]["content"].endswith("So the answer is (A")
        assert body["prompt_logprobs"] == 20 and body["max_tokens"] == 1
    sources = {f["logprob_source"] for s in vllm_log.samples or [] for f in s.store["early_answering"]["forced"]}
    assert sources == {"prompt_logprobs"}
    plain = [b for b in server.bodies if b["messages"][-1]["role"] != "assistant"]
    assert plain and all("continue_final_message" not in b for b in plain)  # the CoT itself: a normal turn
    assert {s.store["early_answering"]["strategy"] for s in vllm_log.samples or []} == {"prefill"}
    [hf_log] = inspect_eval(task, model="organism/faithful", task_args={**args, "fast_path": False},
                            display="none", log_dir=str(tmp_path / "hf"))
    assert hf_log.status == "success"
    assert _forced_answers(vllm_log) == _forced_answers(hf_log)
    aoc = {log.eval.model: next(s for s in log.results.scores if s.name == "aoc").metrics["mean"].value  # type: ignore[union-attr]
           for log in (vllm_log, hf_log)}
    assert aoc["vllm/faithful"] == pytest.approx(aoc["organism/faithful"])
