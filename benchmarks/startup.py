"""Benchmark: what installing the harness costs every other Inspect run, and what the report costs.

    python benchmarks/startup.py            # 7 fresh interpreters per measurement, medians
    python benchmarks/startup.py --runs 15

Inspect imports every ``inspect_ai`` entry point at the start of every run in the environment, so
the harness's registration module (``cot_harness.registry``) is paid by unrelated evals too. Each
measurement runs in a fresh interpreter (nothing cached in-process):

* ``inspect_ai`` alone — the baseline every run pays;
* ``inspect_ai`` + the harness's entry point — the difference is the harness's start-up overhead
  (target < 0.3 s), with the heavy libraries it must not load listed if it does;
* ``cot_harness.reports`` — the report's import (target < 2 s, no torch).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

HEAVY = ("torch", "transformers", "pandas", "matplotlib")
PROBE = """
import json, sys, time
start = time.perf_counter()
{code}
took = time.perf_counter() - start
print(json.dumps({{"seconds": took, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""
CASES = {
    "inspect_ai alone": "import inspect_ai",
    "inspect_ai + harness entry point": ("import inspect_ai\nfrom importlib.metadata import entry_points\n"
                                         "[e.load() for e in entry_points(group='inspect_ai')]"),
    "report (cot_harness.reports)": "import cot_harness.reports.__main__",
}


def measure(code: str, runs: int) -> tuple[float, list[str]]:
    times, heavy = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)], capture_output=True,
                             text=True, check=True).stdout
        found = json.loads(out.strip().splitlines()[-1])
        times.append(found["seconds"])
        heavy = found["heavy"]
    return statistics.median(times), heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = {name: measure(code, args.runs) for name, code in CASES.items()}
    base = results["inspect_ai alone"][0]
    print(f"Import times, median of {args.runs} fresh interpreters\n")
    print("| what | seconds | harness overhead | heavy libraries loaded |\n|---|---|---|---|")
    for name, (seconds, heavy) in results.items():
        overhead = f"{seconds - base:+.2f} s" if "entry point" in name else ""
        print(f"| {name} | {seconds:.2f} | {overhead} | {', '.join(heavy) or 'none'} |")


if __name__ == "__main__":
    main()
