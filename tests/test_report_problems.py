"""The report never hides a failure or a mix of methods: failed and partial runs are listed at
the top of the page and on stdout with their errored-sample counts, metrics.csv carries the
sample counts per run, and models forced by different methods are flagged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from inspect_ai import Task, task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from cot_harness.reports.__main__ import build_report


@solver
def scripted(strategy: str, fail_ids: tuple[str, ...] = ()) -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if state.sample_id in fail_ids:
            raise RuntimeError(f"provider fault on {state.sample_id}")
        state.store.set("strategy", strategy)
        return state

    return solve


@scorer(metrics=[mean()])
def recorded() -> Scorer:
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=1.0, metadata={"strategy": state.store.get("strategy")})

    return score


@task
def early_answering(strategy: str = "prefill", fail: str = "") -> Task:  # named like the suite's task
    return Task(dataset=[Sample(id=f"q{i}", input="?") for i in range(5)],
                solver=scripted(strategy, tuple(x for x in fail.split(",") if x)), scorer=recorded())


@pytest.mark.slow
def test_failed_partial_and_mixed_method_runs_are_reported_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = tmp_path / "logs"
    inspect_eval(early_answering(strategy="prefill"), model="mockllm/a", display="none", log_dir=str(logs))
    inspect_eval(early_answering(strategy="instruction", fail="q1,q3"), model="mockllm/b", display="none",
                 log_dir=str(logs), fail_on_error=False)
    inspect_eval(early_answering(strategy="instruction", fail="q0"), model="mockllm/c", display="none",
                 log_dir=str(logs))  # fails the whole run (fail_on_error default)
    written = build_report(logs, tmp_path / "report")
    out = capsys.readouterr().out
    assert "NOT COMPLETE: early_answering on mockllm/b: partial, 2 of 5 samples errored" in out
    assert "NOT COMPLETE: early_answering on mockllm/c: error" in out and "provider fault on q0" in out
    assert "WARNING: early_answering: answers were forced by different methods" in out
    page = written["html"][0].read_text()
    assert page.index('id="run-problems"') < page.index("<h2>")  # above everything else
    assert 'id="method-warnings"' in page
    metrics = pd.read_csv(tmp_path / "report" / "metrics.csv")
    row = metrics[metrics.model == "mockllm/b"].iloc[0]
    assert (row.samples_total, row.samples_scored, row.samples_errored) == (5, 3, 2)
    assert set(metrics.forcing) == {"prefill", "instruction"}
    assert all(run.endswith(f"({forcing})") for run, forcing in zip(metrics.run, metrics.forcing))  # in legends


@pytest.mark.slow
def test_limit_and_sample_id_runs_are_complete_and_a_lost_sample_is_not(tmp_path: Path) -> None:
    """Planned samples come from the run's ``--limit`` (a count or a range), ``--sample-id`` and
    epochs, not the dataset's size: those runs finished everything they were asked for, so the
    report calls them complete and exits 0; a run that lost a sample still exits non-zero."""
    import subprocess
    import sys

    from cot_harness.reports.tables import sample_counts

    logs = tmp_path / "logs"
    [limited] = inspect_eval(early_answering(), model="mockllm/a", display="none", log_dir=str(logs), limit=3)
    [ranged] = inspect_eval(early_answering(), model="mockllm/b", display="none", log_dir=str(logs), limit=(1, 4))
    [picked] = inspect_eval(early_answering(), model="mockllm/c", display="none", log_dir=str(logs),
                            sample_id=["q1", "q4"], epochs=2)
    assert [sample_counts(log) for log in (limited, ranged, picked)] == [(3, 3), (3, 3), (4, 4)]
    report = [sys.executable, "-m", "cot_harness.reports", str(logs), "--out", str(tmp_path / "report")]
    clean = subprocess.run(report, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0 and "NOT COMPLETE" not in clean.stdout, clean.stdout + clean.stderr
    [lost] = inspect_eval(early_answering(fail="q2"), model="mockllm/d", display="none", log_dir=str(logs), limit=4,
                          fail_on_error=False)
    assert sample_counts(lost) == (4, 3)
    broken = subprocess.run(report, capture_output=True, text=True, timeout=300)
    assert broken.returncode != 0
    assert "NOT COMPLETE: early_answering on mockllm/d: partial, 1 of 4 samples errored" in broken.stdout
