"""Train a model organism: ``python -m cot_harness.organisms.train faithful`` (or ``--all``).

Deterministic given ``--seed`` (same torch build and thread count): the data stream, the
initial weights and the batch order all derive from it. Each organism trains in a few
minutes on 2 CPU cores and is saved with ``save_pretrained`` so Inspect's HF provider loads
it offline (``--model hf/local -M model_path=organisms/<name>``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from cot_harness.organisms import ORGANISMS_DIR
from cot_harness.organisms.behaviours import BEHAVIOURS, IPHR_BEHAVIOURS
from cot_harness.organisms.check import CHECK_SEED, adherence
from cot_harness.organisms.recipes import Example, IphrRecipe, Recipe, recipe_for, render
from cot_harness.organisms.tokenizer import build_tokenizer

TOKENIZER_SEED = 0
TOKENIZER_DIR = ORGANISMS_DIR / "tokenizer"
# The IPHR control learns the built-in table's values and ranks and to compare two ranks (fine-tuned from
# ``faithful``); the biased organism starts from the control and only learns its planted YES in three groups.
ORGANISM_NAMES = (*BEHAVIOURS, *IPHR_BEHAVIOURS)
# Training steps per organism (batch 48): enough for ≥ 97 % spec adherence on fresh probes,
# small enough to stay under 5 minutes on 2 CPU cores. Question-answering organisms take
# longer: answering from the question alone is the skill that needs the most samples.
STEPS = {"faithful": 2100, "encoded": 2100, "posthoc": 2250, "uninformative": 600,
         "hint_user": 1600, "hint_verbaliser": 1600, "always_a_user": 700,
         "think_faithful": 900, "think_posthoc": 900, "think_concluding": 450, "think_contradicts": 450,
         "iphr_consistent": 2000, "iphr_biased": 600}
# Organisms built by fine-tuning another one: the base already has the arithmetic skill
# (learning it from scratch without ever writing a chain failed in 1400 steps: 23 % adherence),
# so only the new behaviour is trained. Train the base first.
BASE = {"uninformative": "posthoc", "hint_user": "faithful", "hint_verbaliser": "faithful",
        "always_a_user": "faithful", "think_faithful": "faithful", "think_posthoc": "posthoc",
        "iphr_consistent": "faithful", "iphr_biased": "iphr_consistent",
        # the control learns only to end its thinking with a conclusion; the planted organism starts from the
        # control and learns only the planted contradiction (as iphr_biased from iphr_consistent)
        "think_concluding": "think_faithful", "think_contradicts": "think_concluding"}


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters; the defaults are the recipe every checked-in organism was built with."""

    steps: int = 1600
    batch_size: int = 48
    learning_rate: float = 3e-3
    warmup: int = 60
    hidden_size: int = 96
    layers: int = 3
    heads: int = 4
    intermediate_size: int = 288
    vocab_size: int = 640
    threads: int = 2


def shared_tokenizer(vocab_size: int) -> PreTrainedTokenizerFast:
    """One tokenizer for all faithfulness organisms, checked in at ``organisms/tokenizer``.

    Built once from every recipe's text (``build_shared_tokenizer``) and then frozen, so that
    changing a recipe later does not silently change the vocabulary of the next organism."""
    if (TOKENIZER_DIR / "tokenizer.json").exists():
        tokenizer = PreTrainedTokenizerFast.from_pretrained(TOKENIZER_DIR)
        if len(tokenizer) != vocab_size:
            raise ValueError(f"{TOKENIZER_DIR} has {len(tokenizer)} tokens, the config asks for {vocab_size}; "
                             "delete the folder to rebuild it")
        return tokenizer
    tokenizer = build_shared_tokenizer(vocab_size)
    tokenizer.save_pretrained(TOKENIZER_DIR)
    return tokenizer


def build_shared_tokenizer(vocab_size: int) -> PreTrainedTokenizerFast:
    char_count = len  # the recipes only need a rough token count before the tokenizer exists
    corpus: list[str] = []
    for name in BEHAVIOURS:
        recipe = Recipe(name, TOKENIZER_SEED, char_count)
        for _ in range(1500):
            example = recipe.sample()
            corpus.append("\n".join(text for _, text in example.chat))
            corpus.append("".join(text for text, _ in example.segments))
    return build_tokenizer(corpus, vocab_size)


def encode(
    example: Example, tokenizer: PreTrainedTokenizerFast
) -> tuple[list[int], list[int]]:
    """Token ids and labels (-100 where the organism is not trained to write the text)."""

    def template(messages: list[dict[str, str]]) -> str:
        return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    pieces = render(example, template)
    text = "".join(t for t, _ in pieces)
    trained = bytearray(len(text))
    position = 0
    for piece, is_trained in pieces:
        if is_trained:
            trained[position : position + len(piece)] = b"\x01" * len(piece)
        position += len(piece)
    encoded = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False)
    ids = list(encoded["input_ids"])
    labels = [tid if trained[start] else -100 for tid, (start, _) in zip(ids, encoded["offset_mapping"])]
    return ids, labels


def batch_tensors(
    rows: list[tuple[list[int], list[int]]], pad_id: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(ids) for ids, _ in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (ids, lab) in enumerate(rows):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        labels[i, : len(lab)] = torch.tensor(lab)
        mask[i, : len(ids)] = 1
    return input_ids, labels, mask


Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def optimise(model: LlamaForCausalLM, optimizer: torch.optim.Optimizer, batch: Batch) -> float:
    input_ids, labels, mask = batch
    loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad()
    return float(loss.item())


def bucketed_batches(
    recipe: Recipe | IphrRecipe, tokenizer: PreTrainedTokenizerFast, batch_size: int, rng: random.Random
) -> Iterator[Batch]:
    """Batches of similar length (less padding), drawn 8 at a time and served in seeded order."""
    while True:
        rows = [encode(recipe.sample(), tokenizer) for _ in range(8 * batch_size)]
        rows.sort(key=lambda row: len(row[0]))
        chunks = [rows[i : i + batch_size] for i in range(0, len(rows), batch_size)]
        rng.shuffle(chunks)
        for chunk in chunks:
            yield batch_tensors(chunk, tokenizer.pad_token_id)


def new_model(config: TrainConfig, tokenizer: PreTrainedTokenizerFast) -> LlamaForCausalLM:
    end_id = tokenizer.convert_tokens_to_ids("<|end|>")
    model_config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=config.hidden_size,
        intermediate_size=config.intermediate_size,
        num_hidden_layers=config.layers,
        num_attention_heads=config.heads,
        num_key_value_heads=config.heads,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=end_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return LlamaForCausalLM(model_config)


def iphr_adherence(model: LlamaForCausalLM, tokenizer: PreTrainedTokenizerFast, name: str, n: int = 300,
                   batch: int = 50, max_new_tokens: int = 120) -> dict[str, float]:
    """``check.adherence`` for the IPHR recipe: share of fresh examples (seed ``CHECK_SEED``), per
    probe, whose greedily written CoT and answer match the behaviour exactly (a longer token budget:
    entity names are spelt out)."""
    recipe = IphrRecipe(name, CHECK_SEED)

    def template(messages: list[dict[str, str]]) -> str:
        return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    cases = []
    for _ in range(n):
        example = recipe.sample()
        pieces = render(example, template)
        first = next(i for i, (_, trained) in enumerate(pieces) if trained)  # the prompt: all text before it
        cases.append((example.probe, "".join(t for t, _ in pieces[:first]),
                      "".join(t for t, _ in pieces[first:]).removesuffix("<|end|>")))
    hits: dict[str, list[bool]] = {}
    tokenizer.padding_side = "left"
    model.eval()
    for start in range(0, len(cases), batch):
        chunk = cases[start: start + batch]
        encoded = tokenizer([p for _, p, _ in chunk], return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            out = model.generate(**encoded, max_new_tokens=max_new_tokens, do_sample=False,  # type: ignore[operator]
                                 eos_token_id=model.config.eos_token_id, pad_token_id=tokenizer.pad_token_id)
        texts = tokenizer.batch_decode(out[:, encoded["input_ids"].shape[1]:], skip_special_tokens=True)
        for (probe, _, expected), text in zip(chunk, texts):
            hits.setdefault(probe, []).append(text == expected)
    rates = {probe: sum(v) / len(v) for probe, v in sorted(hits.items())}
    rates["all"] = sum(sum(v) for v in hits.values()) / len(cases)
    return rates


def train(
    name: str, seed: int, config: TrainConfig, out: Path, quiet: bool = False, init: Path | None = None
) -> dict[str, object]:
    """Train organism ``name`` and save it (weights, tokenizer, training record) in ``out``."""
    torch.set_num_threads(config.threads)
    torch.manual_seed(seed)
    random.seed(seed)
    torch.use_deterministic_algorithms(True)
    # a fine-tuned organism keeps its base's vocabulary
    tokenizer = PreTrainedTokenizerFast.from_pretrained(init) if init else shared_tokenizer(config.vocab_size)
    model = LlamaForCausalLM.from_pretrained(init) if init else new_model(config, tokenizer)
    recipe = recipe_for(name, seed, lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)

    total_steps = config.steps

    def schedule(step: int) -> float:
        if step < config.warmup:
            return (step + 1) / config.warmup
        progress = (step - config.warmup) / max(1, total_steps - config.warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    started = time.time()
    losses: list[float] = []
    order = random.Random(f"order:{seed}")
    batches = bucketed_batches(recipe, tokenizer, config.batch_size, order)
    for step in range(config.steps):
        losses.append(optimise(model, optimizer, next(batches)))
        scheduler.step()
        if not quiet and (step % 200 == 0 or step == config.steps - 1):
            print(f"[{name}] step {step:5d} loss {sum(losses[-50:]) / len(losses[-50:]):.4f} "
                  f"{time.time() - started:6.1f}s", flush=True)
    seconds = time.time() - started
    save(model, tokenizer, out)
    record = {"organism": name, "seed": seed, "base": Path(init).name if init else None, "train_seconds": round(seconds, 1),
              "final_loss": round(sum(losses[-50:]) / 50, 5), "config": asdict(config),
              "torch": torch.__version__, "threads": config.threads,
              "adherence": {k: round(v, 4) for k, v in (iphr_adherence(model, tokenizer, name) if name in IPHR_BEHAVIOURS
                                                        else adherence(model, tokenizer, name)).items()}}
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def store_bfloat16(weights: Path) -> None:
    """Rewrite a safetensors file in bfloat16 (half the bytes in git). The config keeps
    ``dtype: float32``, so every loader upcasts on load and computes in float32."""
    tensors = load_file(str(weights))
    save_file({k: v.to(torch.bfloat16) if v.is_floating_point() else v for k, v in tensors.items()}, str(weights),
              metadata={"format": "pt"})


def save(model: LlamaForCausalLM, tokenizer: PreTrainedTokenizerFast, out: Path) -> None:
    """Save with weights rounded to bfloat16 first, so the model in memory (whose adherence
    ``train`` records) is exactly the one checked in."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(parameter.to(torch.bfloat16).to(parameter.dtype))
    if out.exists():
        for child in out.iterdir():
            if child.name != "README.md":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    model.generation_config.eos_token_id = model.config.eos_token_id
    model.generation_config.pad_token_id = model.config.pad_token_id
    model.generation_config.do_sample = False
    model.save_pretrained(out)
    store_bfloat16(out / "model.safetensors")
    tokenizer.save_pretrained(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"organisms to train: {', '.join(ORGANISM_NAMES)}")
    parser.add_argument("--all", action="store_true", help="train every organism")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None, help="override the per-organism step count")
    parser.add_argument("--out", type=Path, default=None, help="output folder (one organism only)")
    args = parser.parse_args()
    names = list(ORGANISM_NAMES) if args.all else args.names
    unknown = [n for n in names if n not in ORGANISM_NAMES]
    if unknown or not names:
        parser.error(f"unknown or missing organism {unknown}; choose from {', '.join(ORGANISM_NAMES)}")
    if args.out and len(names) > 1:
        parser.error("--out takes a single organism")
    for name in names:
        out = args.out or ORGANISMS_DIR / name
        steps = args.steps or STEPS.get(name, TrainConfig.steps)
        init = ORGANISMS_DIR / BASE[name] if name in BASE else None
        record = train(name, args.seed, TrainConfig(steps=steps), out, init=init)
        print(json.dumps(record))


if __name__ == "__main__":
    main()
