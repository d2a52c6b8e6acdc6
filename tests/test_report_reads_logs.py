"""The report reads logs only: every task writes its full descriptor into its log, and
``python -m cot_harness.reports`` draws a directory of logs with the harness's task, solver and
provider code — and torch — made unimportable; a log written before descriptors were logged
still renders (from the legacy snapshot and its own headlines)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log, write_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model

BLOCKED = ("cot_harness.tasks", "cot_harness.solvers", "cot_harness.scorers", "cot_harness.registry",
           "cot_harness.providers", "cot_harness.catalogue", "torch", "transformers")
BLOCKER = f"""
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in {BLOCKED!r}):
            raise ImportError("blocked for the test: " + name)
        return None
sys.meta_path.insert(0, Block())
import runpy
sys.argv = ["cot_harness.reports", *sys.argv[1:]]
runpy.run_module("cot_harness.reports", run_name="__main__")
"""


def _mock() -> Any:
    def reply(*_: Any) -> ModelOutput:
        output = ModelOutput.from_content("mockllm/model", "Step 1: 3 + 4 = 7.\nSo the answer is (A).")
        output.usage = ModelUsage(input_tokens=10, output_tokens=8, total_tokens=18)
        return output

    return get_model("mockllm/model", custom_outputs=reply, memoize=False)


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    logs = tmp_path_factory.mktemp("logs")
    model = _mock()
    for task in ("cot_vs_no_cot", "early_answering", "hint_verbalization"):
        [log] = inspect_eval(f"cot_harness/{task}", model=model, limit=3, display="none", log_dir=str(logs),
                             task_args={"hint_types": "metadata"} if task.startswith("hint") else {})
        assert log.status == "success"
        assert "descriptor" in (log.eval.metadata or {})
    return logs


def _report(logs: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCKER, str(logs), "--out", str(out)], capture_output=True,
                          text=True, timeout=600)


def test_the_report_renders_with_the_task_code_unimportable(log_dir: Path, tmp_path: Path) -> None:
    run = _report(log_dir, tmp_path / "report")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    profile = (tmp_path / "report" / "profile.md").read_text()
    assert "CoT gain" in profile and "Early-answering AOC" in profile and "metadata: verbalised" in profile
    assert "keyword κ" in profile  # the verbalisation column names its classifier and calibration
    assert (tmp_path / "report" / "early_answering_curve.png").exists()


def test_a_log_without_a_logged_descriptor_still_renders(log_dir: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for path in log_dir.glob("*.eval"):
        log = read_eval_log(str(path))
        if log.eval.metadata:
            log.eval.metadata.pop("descriptor", None)
        write_eval_log(log, str(legacy / path.name))
    run = _report(legacy, tmp_path / "report")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "Early-answering AOC" in (tmp_path / "report" / "profile.md").read_text()
    assert (tmp_path / "report" / "early_answering_curve.png").exists()
