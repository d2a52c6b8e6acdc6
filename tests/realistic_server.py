"""An OpenAI-compatible chat server on 127.0.0.1 that behaves as the real APIs document, for
what no local model server shows: token log-probabilities with ``top_logprobs`` at *every*
position (letters used as words — "A", "B", "I" — among the first position's alternatives;
the committed letter later, in "So the answer is (C)."), replies that re-reason before
answering, markdown replies, refusals, and faults (HTTP 500, 429 with Retry-After, a stall, a
truncated JSON body, empty content) and malformed replies a real server sends with HTTP 200
(``MALFORMED_FAULTS``: an empty ``choices`` list, an error object instead of a completion, a reply
holding only a tool call nobody offered).

The "model" is a script: a function from the request's messages to the reply text. Every
request body is recorded, so tests assert what was sent as well as what was read.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Script = Callable[[list[dict[str, Any]]], str]
FAULTS = ("http_500", "http_429", "stall", "truncated_json", "empty_content")  # the default cycle
# 200 replies that are not a completion: ``choices: []``; ``{"error": {...}}`` in place of one (as
# proxies and some gateways send it); an assistant message holding only a tool call (no tools offered)
MALFORMED_FAULTS = ("empty_choices", "error_in_200", "tool_call_only")
ALL_FAULTS = FAULTS + MALFORMED_FAULTS

_TOKEN = re.compile(r"\s*\w+|\s*[^\w\s]|\s+")
_THINK = re.compile(r"\s*<think>(.*?)</think>\s*(.*)", re.DOTALL)


def tokens(text: str) -> list[str]:
    """Word-level tokens with their leading spaces, punctuation on its own (as BPE APIs split
    "So the answer is (C)." into "So", " the", " answer", " is", " (", "C", ")", ".")."""
    return _TOKEN.findall(text)


def logprob_content(text: str, letters: str = "ABCDE") -> list[dict[str, Any]]:
    """Per-token log-probabilities as the OpenAI API returns them: the emitted token first, then
    plausible alternatives. The first position offers "A", "The", "B", "I" (letters as words);
    a letter position offers the other letters."""
    content = []
    for i, token in enumerate(tokens(text)):
        bare = token.strip()
        if i == 0:
            alternatives = ["A", "The", "B", "I", "Answer"]
        elif len(bare) == 1 and bare in letters:
            alternatives = [x for x in letters if x != bare]
        else:
            alternatives = [" the", ",", ".", " a"]
        top = [{"token": token, "logprob": -0.05, "bytes": list(token.encode())}]
        top += [{"token": alt, "logprob": -1.5 - 0.7 * j, "bytes": list(alt.encode())}
                for j, alt in enumerate(a for a in alternatives if a != token)]
        content.append({"token": token, "logprob": -0.05, "bytes": list(token.encode()), "top_logprobs": top[:20]})
    return content


def last_user(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message["role"] == "user":
            content = message["content"]
            return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)
    return ""


FORCED_STYLES: dict[str, str] = {
    "plain": "So the answer is ({letter}).",
    "markdown": "**Answer: ({letter})**",
    "rereason": ("Let me reconsider the steps once more. Starting from the beginning, each step follows, "
                 "and the final value matches option {letter}.\nSo the answer is ({letter})."),
    "refusal": "I'm sorry, but I can't help with that.",
}


def committed_script(letter: str = "C", forced_style: str = "plain") -> Script:
    """A model that always commits to ``letter``: a three-step CoT, then the answer; after
    "Stop reasoning now" it answers in ``forced_style``; asked to continue, it adds a step."""

    def reply(messages: list[dict[str, Any]]) -> str:
        user = last_user(messages)
        if "Stop reasoning now" in user:
            return FORCED_STYLES[forced_style].format(letter=letter)
        if "Continue the reasoning" in user:
            return f"Then 5 + 1 = 6.\nSo the answer is ({letter})."
        if "Reply only with" in user:
            return f"So the answer is ({letter})."
        return f"First, 3 + 4 = 7.\nNext, 7 - 2 = 5.\nThen 5 * 1 = 5.\nSo the answer is ({letter})."

    return reply


@dataclass
class RealisticServer:
    base_url: str
    bodies: list[dict[str, Any]] = field(default_factory=list)
    faults_sent: list[str] = field(default_factory=list)
    completions: int = 0


class _Handler(BaseHTTPRequestHandler):
    script: Script
    state: RealisticServer
    fault_rate: float
    rng: random.Random
    stall_seconds: float
    lock: threading.Lock
    reasoning_field: bool
    faults: tuple[str, ...]

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        raw = self.rfile.read(int(self.headers.get("content-length", 0)))
        if not raw:  # a client that gave up mid-request (a cancelled run)
            return
        body = json.loads(raw)
        with self.lock:
            self.state.bodies.append(body)
            # whether a call fails is random; which fault it gets cycles, so every kind is met
            faults = type(self).faults
            fault = faults[len(self.state.faults_sent) % len(faults)] if self.rng.random() < self.fault_rate else None
            if fault:
                self.state.faults_sent.append(fault)
        if fault == "http_500":
            return self._send(500, {"error": {"message": "internal error", "type": "server_error"}})
        if fault == "http_429":
            return self._send(429, {"error": {"message": "rate limited", "type": "rate_limit"}}, {"retry-after": "1"})
        if fault == "stall":
            time.sleep(self.stall_seconds)
            return self._send(504, {"error": {"message": "gateway timeout", "type": "timeout"}})
        if fault == "error_in_200":
            return self._send(200, {"error": {"message": "upstream model overloaded", "type": "server_error",
                                              "code": "server_error"}})
        text = "" if fault == "empty_content" else type(self).script(body["messages"])
        message: dict[str, Any] = {"role": "assistant", "content": text}
        thought = _THINK.match(text)
        if thought and type(self).reasoning_field:  # as DeepSeek and vLLM's reasoning parsers send it
            message = {"role": "assistant", "reasoning_content": thought.group(1).strip(), "content": thought.group(2)}
            text = thought.group(2)
        choice: dict[str, Any] = {"index": 0, "message": message, "finish_reason": "stop"}
        if body.get("logprobs"):
            choice["logprobs"] = {"content": logprob_content(text)}
        n_out = len(tokens(text))
        if body.get("max_tokens") and n_out > body["max_tokens"]:
            kept = tokens(text)[: body["max_tokens"]]
            choice["message"]["content"] = "".join(kept)
            choice["finish_reason"] = "length"
            if "logprobs" in choice:
                choice["logprobs"]["content"] = choice["logprobs"]["content"][: len(kept)]
            n_out = len(kept)
        if fault == "tool_call_only":
            message.clear()
            message.update({"role": "assistant", "content": None, "tool_calls": [
                {"id": f"call_{len(self.state.bodies)}", "type": "function",
                 "function": {"name": "lookup", "arguments": "{\"query\": \"answer\"}"}}]})
            choice = {"index": 0, "message": message, "finish_reason": "tool_calls"}
            n_out = 8
        payload = {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                   "model": body.get("model", "script"), "choices": [] if fault == "empty_choices" else [choice],
                   "usage": {"prompt_tokens": 20, "completion_tokens": n_out, "total_tokens": 20 + n_out}}
        if fault == "truncated_json":
            raw = json.dumps(payload).encode()
            return self._send_raw(200, raw[: len(raw) // 2])
        if fault not in MALFORMED_FAULTS:
            with self.lock:
                self.state.completions += 1
        self._send(200, payload)

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), headers)

    def _send_raw(self, status: int, raw: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client timed out and left
            self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def realistic_server(script: Script, fault_rate: float = 0.0, seed: int = 0,
                     stall_seconds: float = 3.0, reasoning_field: bool = False,
                     faults: tuple[str, ...] = FAULTS) -> Iterator[RealisticServer]:
    """Serve ``script`` on 127.0.0.1 (``base_url`` ends in ``/v1``) until the block ends.
    ``reasoning_field``: a reply the script opens with ``<think>…</think>`` is sent as a reasoning
    model's is — the thinking in ``message.reasoning_content``, the rest as ``content``.
    ``faults``: the kinds a failing call cycles through (``FAULTS`` by default, ``MALFORMED_FAULTS``
    for the malformed 200 replies only, ``ALL_FAULTS`` for every kind)."""
    unknown = set(faults) - set(ALL_FAULTS)
    assert faults and not unknown, f"unknown fault kind(s) {sorted(unknown)}; known: {ALL_FAULTS}"
    handler = type("Handler", (_Handler,), {"script": staticmethod(script), "fault_rate": fault_rate,
                                            "rng": random.Random(seed), "stall_seconds": stall_seconds,
                                            "lock": threading.Lock(), "reasoning_field": reasoning_field,
                                            "faults": tuple(faults)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state = RealisticServer(f"http://127.0.0.1:{server.server_address[1]}/v1")
    handler.state = state  # type: ignore[attr-defined]
    with serving(server):
        yield state


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[None]:
    """Serve on a daemon thread until the block ends, then shut the server down."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
