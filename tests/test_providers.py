"""API providers for real: a task through Inspect's OpenAI-compatible provider against a real
OpenAI-compatible server (``transformers serve``) on 127.0.0.1 serving an organism, and the
requests the forcing code builds for Anthropic (prefill) and OpenAI (no prefill)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import Served
from inspect_ai import eval as inspect_eval
from inspect_ai.model import ChatMessage, ChatMessageUser, get_model

from cot_harness.providers.capabilities import anthropic_prefill
from cot_harness.solvers.forcing import force_answer, resolve_strategy

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_task_through_a_real_openai_compatible_server_matches_the_hf_provider(served_faithful: Served,
                                                                              tmp_path: Path) -> None:
    """Same organism, same greedy decoding: the API path must give the same CoTs and answers."""
    path, base_url = served_faithful.path, served_faithful.base_url
    [api_log] = inspect_eval(f"{REPO}/tasks/faithfulness.py@cot_vs_no_cot", model=f"openai-api/local/{path}",
                             model_base_url=base_url, model_args={"api_key": "none"}, limit=10, display="none",
                             log_dir=str(tmp_path))
    [hf_log] = inspect_eval(f"{REPO}/tasks/faithfulness.py@cot_vs_no_cot", model="harness-hf/faithful",
                            model_args={"model_path": path, "do_sample": False}, limit=10, display="none",
                            log_dir=str(tmp_path))
    assert api_log.status == "success" and hf_log.status == "success"
    api = {s.id: s for s in api_log.samples or []}
    hf = {s.id: s for s in hf_log.samples or []}
    assert len(api) == 10 and api.keys() == hf.keys()
    for sample_id, sample in api.items():
        assert sample.output.completion == hf[sample_id].output.completion, sample_id
        assert sample.scores == hf[sample_id].scores
    assert api_log.results and api_log.results.scores[0].metrics.keys() == hf_log.results.scores[0].metrics.keys()  # type: ignore[union-attr]


@pytest.mark.slow
def test_forcing_through_the_server_uses_the_instruction_fallback(served_faithful: Served) -> None:
    path, base_url = served_faithful.path, served_faithful.base_url
    model = get_model(f"openai-api/local/{path}", base_url=base_url, api_key="none")
    assert resolve_strategy(model) == "instruction"
    chat: list[ChatMessage] = [ChatMessageUser(content="Start at 3.")]
    forced = asyncio.run(force_answer(model, chat, "3 +1 = 4.", "mc", list("ABCDE"), "instruction"))
    assert forced.strategy == "instruction" and forced.option_logprobs == {}  # the server returns no logprobs


# --- request building, recorded at the HTTP boundary ------------------------------------------

class Recorder(BaseHTTPRequestHandler):
    bodies: list[dict[str, Any]] = []
    reply: dict[str, Any] = {}

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("content-length", 0))
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        payload = json.dumps(type(self).reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("R", (Recorder,), {"bodies": [], "reply": {}})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()


def anthropic_reply(model: str, text: str) -> dict[str, Any]:
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 3}}


def test_anthropic_gets_the_partial_cot_as_a_prefill(recorder: tuple[str, type[Recorder]]) -> None:
    url, handler = recorder
    handler.reply = anthropic_reply("claude-haiku-4-5", "B).")
    model = get_model("anthropic/claude-haiku-4-5", base_url=url, api_key="sk-ant-test")
    assert resolve_strategy(model) == "prefill"
    forced = asyncio.run(force_answer(model, [ChatMessageUser(content="Q?")], "Step one.\nStep two.  ", "mc",
                                      list("ABCDE"), "prefill"))
    [body] = handler.bodies
    last = body["messages"][-1]
    text = last["content"] if isinstance(last["content"], str) else "".join(p.get("text", "") for p in last["content"])
    assert last["role"] == "assistant" and text == "Step one.\nStep two.\nSo the answer is ("  # no trailing whitespace
    assert forced.answer == "B" and forced.strategy == "prefill"


@pytest.mark.parametrize(("name", "prefill"), [
    ("claude-3-5-sonnet-20241022", True), ("claude-opus-4-20250514", True), ("claude-opus-4-1", True),
    ("claude-sonnet-4-5-20250929", True), ("claude-haiku-4-5", True), ("claude-opus-4-6", False),
    ("claude-sonnet-4-6", False), ("claude-opus-4-8", False), ("claude-sonnet-5", False), ("claude-fable-5-2", False),
    ("claude-mythos-preview", False)])
def test_which_claude_models_accept_a_prefill(name: str, prefill: bool) -> None:
    """Claude 4.6 and later reject a trailing assistant turn (HTTP 400); unparsed names count as new."""
    assert anthropic_prefill(name) is prefill


def test_claude_4_6_and_later_get_the_instruction_fallback(recorder: tuple[str, type[Recorder]]) -> None:
    """auto: the request ends with a user turn asking to stop and answer, never an assistant
    prefill; an explicit forcing='prefill' is refused before any call is made."""
    url, handler = recorder
    handler.reply = anthropic_reply("claude-sonnet-4-6", "So the answer is (D).")
    model = get_model("anthropic/claude-sonnet-4-6", base_url=url, api_key="sk-ant-test")
    strategy = resolve_strategy(model)
    assert strategy == "instruction"
    forced = asyncio.run(force_answer(model, [ChatMessageUser(content="Q?")], "Step one.", "mc", list("ABCDE"), strategy))
    [body] = handler.bodies
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert forced.answer == "D" and forced.strategy == "instruction"
    with pytest.raises(ValueError, match="claude-sonnet-4-6 rejects assistant prefill"):
        resolve_strategy(model, "prefill")


def test_openai_gets_no_prefill_but_a_stop_and_answer_turn(recorder: tuple[str, type[Recorder]]) -> None:
    url, handler = recorder
    handler.reply = {"id": "c1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": "So the answer is (C)."},
                                  "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    model = get_model("openai/gpt-4o-mini", base_url=url, api_key="sk-test", responses_api=False)
    assert resolve_strategy(model) == "instruction"
    forced = asyncio.run(force_answer(model, [ChatMessageUser(content="Q?")], "Step one.", "mc", list("ABCDE"), "instruction"))
    [body] = handler.bodies
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == "Step one."
    assert "Stop reasoning now" in body["messages"][2]["content"]
    assert body.get("logprobs") is True and body.get("top_logprobs") == 20
    assert forced.answer == "C" and forced.strategy == "instruction"
