"""Benchmark (a): a task on an organism through Inspect with the local-run speed-ups on and off.

    python benchmarks/organism_runs.py                        # early_answering, faithful, 50 items
    python benchmarks/organism_runs.py --task cot_vs_no_cot --n 100 --repeats 3

Two switches, four configurations: the prefix-shared fast path (``-T fast_path``; only
``early_answering`` uses it) and the low-latency HF batch queue (``providers/hf_batching.py``;
``COT_HARNESS_HF_BATCHING=inspect`` restores Inspect's 2 s quiet period and 1 s polling).
Each run is a fresh subprocess (no shared model, cache or memory high-water mark), the
configurations interleaved per repeat so drift of the machine hits all of them alike.
Reported per configuration: wall time of the eval (median; model loading included), CPU time,
peak RSS, tokens through the model (Inspect's usage for generate calls, which counts each
request's padded batch row, plus the fast path's own count from each sample's record), and
whether every sample's scores equal those of the reference run (both switches off; floats
within 1e-4).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONFIGS = {  # name: (fast_path, batching)
    "inspect batching, general path": (False, "inspect"),
    "inspect batching, fast path": (True, "inspect"),
    "fast batching, general path": (False, "fast"),
    "fast batching, fast path": (True, "fast"),
}


def child(task: str, organism: str, n: int, fast_path: bool) -> None:
    """One eval in this process; prints its measurements as one JSON line."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log

    from cot_harness.chatbots.manifest import go_offline

    go_offline()
    task_args: dict[str, Any] = {"n": n} | ({"fast_path": fast_path} if task == "early_answering" else {})
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with tempfile.TemporaryDirectory() as logs:
        [log] = inspect_eval(f"{REPO}/tasks/faithfulness.py@{task}", model=f"organism/{organism}", task_args=task_args,
                             display="none", log_dir=logs)
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
        if log.status != "success":
            raise SystemExit(f"{task} on {organism}: {log.status} ({log.error})")
        samples = read_eval_log(log.location).samples or []
    usage = sum(u.input_tokens + u.output_tokens for u in (log.stats.model_usage or {}).values())
    fast = sum(((s.store.get("early_answering") or {}).get("fast_path") or {}).get("tokens", 0) for s in samples)
    scores = {str(s.id): {k: v.value for k, v in (s.scores or {}).items()} for s in samples}
    print(json.dumps({"wall_s": wall, "cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                      "peak_rss_mb": after.ru_maxrss / 1024, "tokens": usage + fast, "scores": scores}))


def same(a: Any, b: Any, tolerance: float = 1e-4) -> bool:
    """Equal scores, floats within ``tolerance`` (log-probability-based values carry float
    noise that depends on which requests share a padded batch)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], tolerance) for k in a)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= tolerance or a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def run(args: argparse.Namespace, fast_path: bool, batching: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--task", args.task, "--organism", args.organism, "--n", str(args.n)]
    out = subprocess.run([*command, *(["--fast-path"] if fast_path else [])], capture_output=True, text=True,
                         check=True, cwd=REPO, env=os.environ | {"COT_HARNESS_HF_BATCHING": batching})
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="early_answering")
    parser.add_argument("--organism", default="faithful")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--fast-path", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.task, args.organism, args.n, args.fast_path)
        return
    configs = {name: c for name, c in CONFIGS.items() if args.task == "early_answering" or not c[0]}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in configs}
    for _ in range(args.repeats):
        for name, (fast_path, batching) in configs.items():
            runs[name].append(run(args, fast_path, batching))
    reference = next(iter(runs.values()))
    reference_walls = [r["wall_s"] for r in reference]
    rows = []
    for name, found in runs.items():
        rows.append({
            "configuration": name,
            "wall_s_median": round(statistics.median(r["wall_s"] for r in found), 1),
            "speedup_median_of_paired_ratios": round(statistics.median(s / r["wall_s"] for s, r in zip(reference_walls, found)), 2),
            "cpu_s_median": round(statistics.median(r["cpu_s"] for r in found), 1),
            "peak_rss_mb_max": round(max(r["peak_rss_mb"] for r in found)),
            "tokens": found[0]["tokens"],
            "scores_equal_reference": all(same(r["scores"], reference[0]["scores"]) for r in found),
        })
    print(json.dumps({"task": args.task, "organism": args.organism, "n": args.n, "repeats": args.repeats,
                      "cpu_count": os.cpu_count(), "configurations": rows}, indent=2))


if __name__ == "__main__":
    main()
