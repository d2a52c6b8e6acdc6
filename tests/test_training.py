"""Retraining reproduces a checked-in organism, and the shared tokenizer is frozen (seeded
determinism is tests/test_training_seed.py: a file of its own, so the two slow trainings run in
parallel under ``pytest -n 2 --dist loadfile``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import organism_path, safetensor_weights
from transformers import AutoModelForCausalLM, AutoTokenizer

from cot_harness.organisms.check import adherence
from cot_harness.organisms.train import BASE, STEPS, TrainConfig, shared_tokenizer, train


@pytest.mark.slow
def test_retraining_reproduces_the_checked_in_organism(tmp_path: Path) -> None:
    """The full recipe of ``uninformative`` (600 fine-tuning steps on the checked-in
    ``posthoc``, ≈ 2–3 min) gives the same behaviour. Weights are bit-identical on the
    same CPU, torch build and thread count; elsewhere float noise may differ, so behaviour is
    what is asserted and the weight difference is printed."""
    name = "uninformative"
    shipped = organism_path(name)
    record = json.loads((shipped / "training.json").read_text())
    train(name, record["seed"], TrainConfig(steps=STEPS[name]), tmp_path, quiet=True, init=organism_path(BASE[name]))
    old, new = safetensor_weights(shipped), safetensor_weights(tmp_path)
    worst = max(float((old[k] - new[k]).abs().max()) for k in old)
    print(f"max |Δweight| = {worst:.2e}")
    retrained = adherence(AutoModelForCausalLM.from_pretrained(tmp_path), AutoTokenizer.from_pretrained(tmp_path), name)
    assert retrained["all"] == pytest.approx(record["adherence"]["all"], abs=0.02)


def test_shared_tokenizer_is_frozen_and_matches_every_organism_trained_from_scratch() -> None:
    """Recipes may change (the hint rule did); the vocabulary of organisms trained later must not."""
    shared = json.loads(shared_tokenizer(TrainConfig().vocab_size).backend_tokenizer.to_str())
    for name in ("faithful", "posthoc", "encoded", "uninformative"):
        assert json.loads((organism_path(name) / "tokenizer.json").read_text()) == shared, name
