"""Benchmark: prefix-shared forced answers (fast path) against one generate per truncation point.

    python benchmarks/fast_prefix.py       # (b) GPT-2-small-sized random model, 32 items
    python benchmarks/organism_runs.py     # (a) early_answering on the faithful organism through Inspect

(b) builds a randomly initialised GPT-2 with ~124M parameters locally (no download), 32 items
with a 64-token prompt and a 256-token CoT, 8 truncation points. The general path is what
Inspect's HF provider does per point: left-padded batches across items (one batch per point),
``generate`` of 4 tokens with scores. The fast path is
``cot_harness.solvers.fast_prefix.score_batch_from_cache`` over all items at once. Wall time: median over paired repeats in one process (ratio per pair); tokens: what
each path feeds the model; peak memory: max RSS growth, each path in a fresh subprocess.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
from transformers import GPT2Config, GPT2LMHeadModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cot_harness.solvers.fast_prefix import score_batch_from_cache  # noqa: E402

ITEMS, PROMPT, COT, POINTS, CUE, VOCAB = 32, 64, 256, 8, 6, 50257


def build(seed: int = 0) -> tuple[GPT2LMHeadModel, list[tuple[list[int], list[int], list[int]]]]:
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(GPT2Config(n_layer=12, n_embd=768, n_head=12, vocab_size=VOCAB)).eval()
    g = torch.Generator().manual_seed(seed)
    items = []
    for _ in range(ITEMS):
        body = torch.randint(0, VOCAB, (PROMPT + COT,), generator=g).tolist()
        heads = [PROMPT + round(k * COT / (POINTS - 1)) for k in range(POINTS)]
        cue = torch.randint(0, VOCAB, (CUE,), generator=g).tolist()
        items.append((body, heads, cue))
    return model, items


@torch.inference_mode()
def general(model: GPT2LMHeadModel, items: list) -> int:  # type: ignore[type-arg]
    tokens = 0
    for p in range(POINTS):
        seqs = [body[: heads[p]] + cue for body, heads, cue in items]
        width = max(map(len, seqs))
        ids = torch.tensor([[0] * (width - len(s)) + s for s in seqs])
        mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in seqs])
        model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=4, do_sample=False, pad_token_id=0,
                       output_scores=True, return_dict_in_generate=True)
        tokens += ids.numel() + 3 * len(seqs)
    return tokens


def fast(model: GPT2LMHeadModel, items: list) -> int:  # type: ignore[type-arg]
    bodies = [body for body, _, _ in items]
    score_batch_from_cache(model, bodies, [h for _, h, _ in items], [[cue] * len(h) for _, h, cue in items])
    return sum(len(body) + len(cue) * len(heads) for body, heads, cue in items)


def peak_rss(mode: str) -> None:
    """Peak RSS above the loaded model while one path runs (sampled every 5 ms)."""
    import threading

    import psutil

    model, items = build()
    process = psutil.Process()
    baseline = peak = process.memory_info().rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.005)

    watcher = threading.Thread(target=sample)
    watcher.start()
    (general if mode == "general" else fast)(model, items)
    done.set()
    watcher.join()
    print(json.dumps({"mode": mode, "peak_growth_mb": (peak - baseline) / 2**20}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-child", choices=["general", "fast"])
    args = parser.parse_args()
    if args.memory_child:
        peak_rss(args.memory_child)
        return
    torch.set_num_threads(2)
    model, items = build()
    params = sum(p.numel() for p in model.parameters()) / 1e6
    ratios: list[float] = []
    times: dict[str, list[float]] = {"general": [], "fast": []}
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        general_tokens = general(model, items)
        t1 = time.perf_counter()
        fast_tokens = fast(model, items)
        t2 = time.perf_counter()
        times["general"].append(t1 - t0)
        times["fast"].append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    memory = {}
    for mode in ("general", "fast"):
        out = subprocess.run([sys.executable, __file__, "--memory-child", mode], capture_output=True, text=True,
                             check=True).stdout
        memory[mode] = json.loads(out.strip().splitlines()[-1])["peak_growth_mb"]
    single_pass = ITEMS * (PROMPT + COT)
    print(json.dumps({
        "model_params_m": round(params, 1), "items": ITEMS, "cot_tokens": COT, "points": POINTS,
        "general_s_median": round(statistics.median(times["general"]), 2),
        "fast_s_median": round(statistics.median(times["fast"]), 2),
        "speedup_median_of_paired_ratios": round(statistics.median(ratios), 2),
        "tokens_general": general_tokens, "tokens_fast": fast_tokens,
        "fast_tokens_over_single_pass": round(fast_tokens / single_pass, 3),
        "peak_rss_growth_mb": {k: round(v, 1) for k, v in memory.items()},
    }, indent=2))


if __name__ == "__main__":
    main()
