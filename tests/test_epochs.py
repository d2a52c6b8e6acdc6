"""``--epochs``: each question's epochs are averaged before intervals, so n counts questions."""

from __future__ import annotations

from conftest import REPO, organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from cot_harness.reports.results import estimate

LIMIT = 6


def _run(epochs: int, tmp_path) -> EvalLog:  # type: ignore[no-untyped-def]
    return inspect_eval(str(REPO / "tasks" / "faithfulness.py@cot_vs_no_cot"), model="harness-hf/local",
                        model_args={"model_path": str(organism_path("faithful")), "do_sample": False},
                        limit=LIMIT, epochs=epochs, display="none", log_dir=str(tmp_path / f"e{epochs}"))[0]


def test_epochs_are_reduced_per_question(tmp_path) -> None:  # type: ignore[no-untyped-def]
    once, twice = _run(1, tmp_path), _run(2, tmp_path)
    assert twice.eval.config.epochs == 2 and len(twice.samples or []) == 2 * LIMIT  # every epoch generated and logged
    for key in ("accuracy_cot", "accuracy_no_cot", "cot_gain"):
        # greedy decoding: both epochs agree, so the reduced values, their n and interval equal one epoch's
        assert estimate(twice, key) == estimate(once, key), key
        assert estimate(twice, key).n == LIMIT, key
