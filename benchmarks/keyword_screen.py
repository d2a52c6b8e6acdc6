"""Benchmark: what the `keyword` verbalisation screen costs per response.

    python benchmarks/keyword_screen.py            # 5 passes over the shipped calibration corpus, median
    python benchmarks/keyword_screen.py --passes 9

A hint run scores every response with the screen (and the built-in calibration grades the screen
on the corpus's held-out parts at every scoring), so its cost per response bounds how cheap
re-scoring a large log is. Measured over every response of the shipped corpus (both channels),
long reasoning text included; reported as milliseconds per response and per 1,000 words.
"""

from __future__ import annotations

import argparse
import statistics
import time

from cot_harness.core.calibration_set import load_calibration
from cot_harness.core.verbalisation import keyword_verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    corpus = load_calibration("builtin")
    assert corpus is not None
    items = corpus.items
    words = sum(len(i.channels.answer.split()) + len((i.channels.thinking or "").split()) for i in items)
    seconds = []
    for _ in range(args.passes):
        start = time.perf_counter()
        for item in items:
            keyword_verdicts("keyword", item.channels, item.kind, item.question)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(f"{len(items)} responses, {words:,} words, {args.passes} passes (median)")
    print(f"  {1000 * median / len(items):.2f} ms per response; {1e6 * median / words:.2f} ms per 1,000 words")


if __name__ == "__main__":
    main()
