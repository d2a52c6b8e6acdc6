"""Provider faults lose nothing with the documented commands: a local OpenAI-compatible server
(127.0.0.1) failing 20 % of calls in every way real APIs do — HTTP 500, 429 with Retry-After, a
stalled request, a truncated JSON body, empty content — and both the README's API command
(``--retry-on-error``) and the comparison runner finish every sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from inspect_ai.log import list_eval_logs, read_eval_log
from realistic_server import FAULTS, committed_script, realistic_server

REPO = Path(__file__).resolve().parents[1]
INSPECT = str(Path(sys.executable).parent / "inspect")


def _samples(log_dir: Path) -> tuple[int, int, list[str]]:
    total = completed = 0
    statuses: list[str] = []
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info, header_only=True)
        statuses.append(log.status)
        if log.results:
            total += log.results.total_samples
            completed += log.results.completed_samples
    return total, completed, statuses


@pytest.mark.slow
def test_the_readme_api_command_loses_no_sample_at_20_percent_faults(tmp_path: Path) -> None:
    with realistic_server(committed_script("C"), fault_rate=0.2, seed=1, stall_seconds=2) as server:
        run = subprocess.run([INSPECT, "eval", "tasks/faithfulness.py@cot_vs_no_cot", "--model",
                              "openai-api/realistic/always-c", "--model-base-url", server.base_url, "-M", "api_key=none",
                              "--retry-on-error=3", "--limit", "20", "--log-dir", str(tmp_path), "--display", "none"],
                             cwd=REPO, capture_output=True, text=True, timeout=600,
                             env={**os.environ, "OPENAI_API_KEY": "none"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert set(server.faults_sent) == set(FAULTS) and len(server.faults_sent) >= 0.1 * len(server.bodies)
    assert _samples(tmp_path) == (20, 20, ["success"])


@pytest.mark.slow
def test_the_comparison_runner_loses_no_sample_at_20_percent_faults(tmp_path: Path) -> None:
    with realistic_server(committed_script("C"), fault_rate=0.2, seed=2, stall_seconds=2) as server:
        config = tmp_path / "compare.yaml"
        config.write_text(yaml.safe_dump({
            "models": [{"model": "openai-api/realistic/always-c", "args": {"base_url": server.base_url, "api_key": "none"}}],
            "tasks": ["tasks/faithfulness.py@cot_vs_no_cot"], "task_args": {"n": 20},
            "log_dir": str(tmp_path / "logs"), "report": str(tmp_path / "report"), "cache": False}))
        run = subprocess.run([sys.executable, "-m", "cot_harness.reports.compare", str(config)], cwd=REPO, capture_output=True,
                             text=True, timeout=600, env={**os.environ, "OPENAI_API_KEY": "none"})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert server.faults_sent
    total, completed, statuses = _samples(tmp_path / "logs")
    assert (total, completed) == (20, 20) and statuses[-1] == "success"
    assert (tmp_path / "report" / "index.html").exists()
