"""Shared test helpers: where ../shared is, organism paths, offline settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Under pytest-xdist (README command 2 runs two workers on two cores) each worker computes on one
# thread: the organisms are too small to gain from two, and two workers × two threads would fight
# over the cores. Set before anything imports torch; subprocesses (the real CLI) inherit it.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# A fresh Inspect response cache per test session: tests measure real generations, never answers
# cached by an earlier session (or by the user's own runs).
os.environ["INSPECT_CACHE_DIR"] = tempfile.mkdtemp(prefix="inspect-cache-")
# Planted abduction checkpoints are fine-tuned once per machine and reused: the cache key is a
# hash of the base weights, the data and the settings (chatbots/finetune.py), so a change to any
# of them trains anew. COT_HARNESS_FINETUNE_CACHE= (empty) turns it off.
os.environ.setdefault("COT_HARNESS_FINETUNE_CACHE", str(Path.home() / ".cache" / "cot_harness" / "finetune"))
if not os.environ["COT_HARNESS_FINETUNE_CACHE"]:
    del os.environ["COT_HARNESS_FINETUNE_CACHE"]

REPO = Path(__file__).resolve().parents[1]
# Import the harness as a user's environment has it (the editable install's cot_harness), not
# from the checkout's root that ``python -m pytest`` puts on sys.path: the setuptools metadata
# left in the root would hide that the package is installed, and Inspect would register the
# tasks without their cot_harness/ prefix.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORGANISMS = REPO / "cot_harness" / "organisms"

needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared is not present beside the repo")


def organism_path(name: str) -> Path:
    path = ORGANISMS / name
    if not (path / "model.safetensors").exists():
        pytest.fail(f"organism {name} is not checked in at {path}; run python -m cot_harness.organisms.train {name}")
    return path


def safetensor_weights(path: Path) -> dict[str, Any]:
    """A checkpoint directory's weights by name (torch tensors), for bit-for-bit comparisons."""
    from safetensors.torch import load_file

    return load_file(str(path / "model.safetensors"))


@dataclass
class Served:
    """A real OpenAI-compatible server (``transformers serve``) on 127.0.0.1 serving one organism."""

    path: str
    base_url: str
    output: list[str] = field(default_factory=list)  # the server's log lines, read as they come

    def completions(self) -> int:
        """Chat completions the server has answered so far (from its access log)."""
        return sum('"POST /v1/chat/completions' in line and " 200" in line for line in list(self.output))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def served_faithful() -> Iterator[Served]:
    """``transformers serve`` preloading the faithful organism; its output is drained by a thread
    (so a chatty server never blocks on a full pipe) and kept for counting requests."""
    path = str(organism_path("faithful"))
    port = free_port()
    serve = Path(sys.executable).parent / "transformers"
    process = subprocess.Popen([str(serve), "serve", path, "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "HF_HUB_OFFLINE": "1"})
    served = Served(path, f"http://127.0.0.1:{port}/v1")

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.output.append(line)

    threading.Thread(target=drain, daemon=True).start()
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"transformers serve exited: {''.join(served.output)[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("transformers serve did not become healthy in 60 s")
        yield served
    finally:
        process.terminate()
        process.wait(timeout=30)
