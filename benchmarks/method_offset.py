"""The method offset: each Lanham test's headline metric on the same organisms under prefill
forcing (HF, Claude ≤ 4.5) and under the instruction fallback (OpenAI, OpenAI-compatible,
Claude 4.6+), so a comparison between an HF model and an API model can be read knowing how
much of the difference the forcing method alone makes.

    python benchmarks/method_offset.py --n 100 > offset.md

Prints a Markdown table (value [95 % CI], n) per organism, test and method, and the paired
difference instruction − prefill on the same items (the offset).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from inspect_ai.log import EvalLog  # noqa: E402

from cot_harness.core.stats import paired_estimate  # noqa: E402
from cot_harness.organisms import ORGANISMS_DIR  # noqa: E402
from cot_harness.organisms.card import run_suite  # noqa: E402
from cot_harness.reports.results import estimate  # noqa: E402
from cot_harness.scorers.metrics import DEFAULT_SEED  # noqa: E402

TESTS = {"early_answering": "aoc", "adding_mistakes": "changed", "paraphrasing": "changed"}
ORGANISMS = ("faithful", "posthoc", "encoded")


def per_sample(log: EvalLog, key: str) -> dict[int | str, float]:
    """Sample id → the score's ``key`` (defined values only)."""
    found = {}
    for sample in log.samples or []:
        for score in (sample.scores or {}).values():
            value = score.value.get(key) if isinstance(score.value, dict) else None
            if isinstance(value, int | float) and value == value:
                found[sample.id] = float(value)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--organisms", default=",".join(ORGANISMS))
    args = parser.parse_args()
    print("| organism | test (metric) | prefill | instruction | instruction − prefill (paired) | rereasoned |")
    print("|---|---|---|---|---|---|")
    for name in args.organisms.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            runs = {method: run_suite(ORGANISMS_DIR / name, list(TESTS), args.n, 0, Path(tmp) / method,
                                      forcing=method)
                    for method in ("prefill", "instruction")}
            for task, key in TESTS.items():
                prefill, instruction = runs["prefill"][task], runs["instruction"][task]
                a, b = per_sample(instruction, key), per_sample(prefill, key)
                shared = [i for i in a if i in b]
                diff, lower, upper, _ = paired_estimate([a[i] for i in shared], [b[i] for i in shared],
                                                        seed=DEFAULT_SEED)
                print(f"| `{name}` | {task} (`{key}`) | {estimate(prefill, key)} | {estimate(instruction, key)} | "
                      f"{diff:+.3f} [{lower:+.3f}, {upper:+.3f}] (n={len(shared)}) | "
                      f"{estimate(instruction, 'rereasoned').value:.2f} |", flush=True)


if __name__ == "__main__":
    main()
