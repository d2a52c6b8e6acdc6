"""Fine-tuning backends that turn chat JSONL-style data into checkpoints.

* ``finetune_hf`` — ``transformers`` (full fine-tuning, or LoRA through ``peft`` with
  ``lora_rank``): trains on the last assistant turn of each chat, deterministic given the seed,
  saves with ``save_pretrained`` (adapters with the tokenizer beside them) and a training record.
* ``OpenAIFinetuner`` — the same step through the official ``openai`` SDK: upload the JSONL,
  create the job, poll it, return the ``ft:`` model id.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase

from cot_harness.organisms.train import batch_tensors, optimise

Chat = list[dict[str, str]]


@dataclass(frozen=True)
class FinetuneConfig:
    epochs: int = 1
    learning_rate: float = 1e-3
    batch_size: int = 16
    seed: int = 0
    lora_rank: int | None = None  # None: full fine-tuning
    threads: int = 2


def encode_chat(chat: Chat, tokenizer: PreTrainedTokenizerBase) -> tuple[list[int], list[int]]:
    """Token ids and labels that train only the final assistant turn."""
    if not chat or chat[-1]["role"] != "assistant":
        raise ValueError(f"a training chat must end with an assistant turn: {chat!r}")
    prompt = str(tokenizer.apply_chat_template(chat[:-1], tokenize=False, add_generation_prompt=True))
    full = str(tokenizer.apply_chat_template(chat, tokenize=False))
    if not full.startswith(prompt):
        raise ValueError("the chat template renders the prompt differently inside the full chat; "
                         "cannot mask the prompt tokens")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    ids = prompt_ids + tokenizer(full[len(prompt):], add_special_tokens=False)["input_ids"]
    return ids, [-100] * len(prompt_ids) + ids[len(prompt_ids):]


def train_steps(model: Any, rows: list[tuple[list[int], list[int]]], pad_id: int, steps: int,
                learning_rate: float, batch_size: int, rng: random.Random, warmup: int = 20) -> list[float]:
    """AdamW with warm-up and cosine decay over ``steps`` batches drawn in seeded order."""
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate, weight_decay=0.01)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    order: list[int] = []
    losses = []
    model.train()
    for _ in range(steps):
        if len(order) < batch_size:
            fresh = list(range(len(rows)))
            rng.shuffle(fresh)
            order += fresh
        batch, order = order[:batch_size], order[batch_size:]
        losses.append(optimise(model, optimizer, batch_tensors([rows[i] for i in batch], pad_id)))
        scheduler.step()
    model.eval()
    return losses


def finetune_hf(init: Path, data: list[Chat], out: Path, config: FinetuneConfig = FinetuneConfig(),
                labels: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fine-tune the checkpoint at ``init`` on ``data`` for ``config.epochs`` epochs; save in ``out``.

    With ``COT_HARNESS_FINETUNE_CACHE=<dir>`` set (the tests set it), a fine-tune whose base
    weights, data and settings were trained before on this machine is copied from the cache
    instead: training is deterministic given those, and any change to one of them is a new key."""
    if not data:
        raise ValueError(f"no training data for {out}")
    cache = os.environ.get("COT_HARNESS_FINETUNE_CACHE")
    cached = Path(cache) / finetune_key(init, data, config, labels) if cache else None
    if cached is not None and (cached / "finetune.json").is_file():
        shutil.copytree(cached, out, dirs_exist_ok=True)
        point_adapter_at(out, init)
        return dict(json.loads((out / "finetune.json").read_text()))
    record = _finetune(init, data, out, config, labels)
    if cached is not None:
        shutil.copytree(out, cached.with_suffix(".partial"), dirs_exist_ok=True)
        cached.with_suffix(".partial").rename(cached)  # complete copies only
    return record


def point_adapter_at(out: Path, init: Path) -> None:
    """A cached LoRA adapter names the base it was trained on by absolute path; the cache key
    covers the base's files, not where they are, so a copy made for another checkout (a fresh
    clone, CI) must name this one's base or transformers goes looking for it on the hub."""
    adapter_config = out / "adapter_config.json"
    if adapter_config.is_file():
        config = json.loads(adapter_config.read_text())
        config["base_model_name_or_path"] = str(init)
        adapter_config.write_text(json.dumps(config, indent=2, sort_keys=True))


def finetune_key(init: Path, data: list[Chat], config: FinetuneConfig, labels: dict[str, Any] | None) -> str:
    """A hash of everything a fine-tune's weights depend on: the base's files, the data, the settings."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(init).rglob("*") if p.is_file()):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    digest.update(json.dumps([data, asdict(config), labels or {}], sort_keys=True, default=str).encode())
    digest.update(torch.__version__.encode())
    return digest.hexdigest()[:32]


def _finetune(init: Path, data: list[Chat], out: Path, config: FinetuneConfig,
              labels: dict[str, Any] | None) -> dict[str, Any]:
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    torch.use_deterministic_algorithms(True)
    tokenizer = AutoTokenizer.from_pretrained(init)
    model: Any = AutoModelForCausalLM.from_pretrained(init)
    if config.lora_rank:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=config.lora_rank, lora_alpha=2 * config.lora_rank,
                                                 target_modules="all-linear", task_type="CAUSAL_LM"))
    rows = [encode_chat(chat, tokenizer) for chat in data]
    steps = max(1, math.ceil(len(rows) * config.epochs / config.batch_size))
    started = time.time()
    losses = train_steps(model, rows, tokenizer.pad_token_id, steps, config.learning_rate, config.batch_size,
                         random.Random(f"finetune:{config.seed}"), warmup=min(20, steps // 5 + 1))
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    if not config.lora_rank:
        model.generation_config.save_pretrained(out)
    record = {"init": str(init), "examples": len(rows), "steps": steps, "config": asdict(config),
              "seconds": round(time.time() - started, 1), "final_loss": round(sum(losses[-10:]) / len(losses[-10:]), 4),
              "labels": labels or {}}
    (out / "finetune.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


class FinetuneError(RuntimeError):
    """A fine-tuning job that did not succeed (the message carries the job id and the provider's error)."""


class OpenAIFinetuner:
    """Supervised fine-tuning through the OpenAI API; ``client`` is an ``openai.OpenAI``."""

    TERMINAL = ("succeeded", "failed", "cancelled")

    def __init__(self, client: Any = None, poll_seconds: float = 30.0, sleep: Callable[[float], None] = time.sleep,
                 timeout_seconds: float = 6 * 3600) -> None:
        if client is None:
            from openai import OpenAI

            client = OpenAI()
        self.client, self.poll_seconds, self.sleep, self.timeout_seconds = client, poll_seconds, sleep, timeout_seconds

    def finetune(self, base_model: str, data: list[Chat], suffix: str, config: FinetuneConfig = FinetuneConfig()) -> str:
        """Run one job to completion and return its ``ft:`` model id."""
        if config.lora_rank:
            raise ValueError("the OpenAI backend has no LoRA option; leave lora_rank unset")
        jsonl = "".join(json.dumps({"messages": chat}) + "\n" for chat in data).encode()
        uploaded = self.client.files.create(file=(f"{suffix}.jsonl", jsonl), purpose="fine-tune")
        job = self.client.fine_tuning.jobs.create(
            model=base_model, training_file=uploaded.id, suffix=suffix, seed=config.seed,
            method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": config.epochs}}},
        )
        waited = 0.0
        while job.status not in self.TERMINAL:
            if waited >= self.timeout_seconds:
                raise FinetuneError(f"job {job.id} still {job.status} after {waited:.0f} s")
            self.sleep(self.poll_seconds)
            waited += self.poll_seconds
            job = self.client.fine_tuning.jobs.retrieve(job.id)
        if job.status != "succeeded" or not job.fine_tuned_model:
            raise FinetuneError(f"job {job.id} {job.status}: {getattr(job, 'error', None)}")
        return str(job.fine_tuned_model)
