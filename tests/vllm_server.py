"""A stand-in for a vLLM server on 127.0.0.1, serving an organism with transformers: the parts of
vLLM's OpenAI-compatible chat API the harness relies on, as vLLM documents them.

* ``continue_final_message`` / ``add_generation_prompt`` (vLLM's extra chat parameters): the
  prompt is the chat template applied with exactly those flags, so a trailing assistant message
  is continued, not closed; both true is refused with HTTP 400, as vLLM refuses it;
* ``logprobs`` / ``top_logprobs``: per generated token, its log-probability and the top
  alternatives (decoded token text);
* greedy decoding (``temperature`` 0 or absent), ``max_tokens``, ``finish_reason`` "length"/"stop".

No GPU here, so no real vLLM: this server exists so the request bodies the harness sends to
``vllm/…`` (Inspect's own provider, unchanged) and the replies it reads can be tested end to end.
Every request body is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import torch
from realistic_server import serving
from transformers import AutoModelForCausalLM, AutoTokenizer


@dataclass
class VLLMServer:
    base_url: str
    bodies: list[dict[str, Any]] = field(default_factory=list)


def _text(content: Any) -> str:
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content or [])


@contextmanager
def vllm_server(model_dir: Path) -> Iterator[VLLMServer]:
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    lock = threading.Lock()

    def prompt_scores(ids: torch.Tensor, top: int) -> list[Any]:
        """vLLM's format: None for the first token, then per position a dict token_id → {logprob,
        rank, decoded_token}, the prompt's own token first, then the top alternatives."""
        with lock, torch.inference_mode():
            logprobs = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
        scores: list[Any] = [None]
        for position in range(1, ids.shape[1]):
            row, token = logprobs[position - 1], int(ids[0, position])
            values, indices = torch.topk(row, top)
            entry = {str(token): {"logprob": float(row[token]), "rank": int((row > row[token]).sum()) + 1,
                                  "decoded_token": tokenizer.decode([token])}}
            for rank, (value, index) in enumerate(zip(values, indices), start=1):
                entry.setdefault(str(int(index)), {"logprob": float(value), "rank": rank,
                                                   "decoded_token": tokenizer.decode([int(index)])})
            scores.append(entry)
        return scores

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            state.bodies.append(body)
            continue_final = bool(body.get("continue_final_message", False))
            generation_prompt = bool(body.get("add_generation_prompt", True))
            if continue_final and generation_prompt:
                return self._send(400, {"error": {"message": "Cannot set both `continue_final_message` and "
                                                             "`add_generation_prompt` to True.", "type": "BadRequestError"}})
            messages = [{"role": m["role"], "content": _text(m.get("content"))} for m in body["messages"]]
            prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt,
                                                   continue_final_message=continue_final)
            ids = tokenizer(prompt, add_special_tokens=False, return_tensors="pt")["input_ids"]
            with lock, torch.inference_mode():
                out = model.generate(ids, max_new_tokens=int(body.get("max_tokens") or 256), do_sample=False,
                                     output_logits=True, return_dict_in_generate=True,
                                     pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
            new = out.sequences[0, ids.shape[1]:].tolist()
            stopped = bool(new) and new[-1] == tokenizer.eos_token_id
            text = tokenizer.decode(new, skip_special_tokens=True)
            choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": text},
                                      "finish_reason": "stop" if stopped else "length"}
            if body.get("logprobs"):
                top = int(body.get("top_logprobs") or 0)
                content = []
                for token, logits in zip(new, out.logits):
                    logprobs = torch.log_softmax(logits[0].float(), dim=-1)
                    values, indices = torch.topk(logprobs, max(top, 1))
                    content.append({"token": tokenizer.decode([token]), "logprob": float(logprobs[token]),
                                    "bytes": None,
                                    "top_logprobs": [{"token": tokenizer.decode([int(i)]), "logprob": float(v),
                                                      "bytes": None} for v, i in zip(values, indices)][:top]})
                choice["logprobs"] = {"content": content}
            prompt_logprobs = prompt_scores(ids, int(body["prompt_logprobs"])) if body.get("prompt_logprobs") else None
            self._send(200, {"id": "cmpl-vllm", "object": "chat.completion", "created": int(time.time()),
                             "model": body.get("model"), "choices": [choice], "prompt_logprobs": prompt_logprobs,
                             "usage": {"prompt_tokens": int(ids.shape[1]), "completion_tokens": len(new),
                                       "total_tokens": int(ids.shape[1]) + len(new)}})

        def do_GET(self) -> None:  # noqa: N802 (vLLM's /v1/models, which clients may probe)
            self._send(200, {"object": "list", "data": [{"id": str(model_dir), "object": "model"}]})

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = VLLMServer(f"http://127.0.0.1:{server.server_address[1]}/v1")
    with serving(server):
        yield state
