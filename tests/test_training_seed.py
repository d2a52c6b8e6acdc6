"""Training is deterministic given the seed (a file of its own: see tests/test_training.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import safetensor_weights

from cot_harness.organisms.train import TrainConfig, train


@pytest.mark.slow  # trains two organisms
def test_same_seed_same_weights_other_seed_other_weights(tmp_path: Path) -> None:
    config = TrainConfig(steps=8)
    for out, seed in ((tmp_path / "a", 0), (tmp_path / "b", 0), (tmp_path / "c", 1)):
        train("faithful", seed, config, out, quiet=True)
    a, b, c = (safetensor_weights(tmp_path / x) for x in "abc")
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)
