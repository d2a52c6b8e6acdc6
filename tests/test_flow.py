"""Inspect Flow (optional: ``pip install -e ".[flow]"``) runs the two-organism comparison from
its spec (docs/compare.flow.py), resumes without re-running, and feeds the report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow
flow = shutil.which("flow", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(flow is None, reason="inspect-flow is not installed (pip install -e '.[flow]')")
def test_the_comparison_runs_from_a_flow_spec_and_resumes(tmp_path: Path) -> None:
    from cot_harness.reports.__main__ import build_report

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    command = [str(flow), "run", str(REPO / "docs" / "compare.flow.py"), "--no-store-write", "--log-dir",
               str(tmp_path / "logs")]
    first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=1200)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    again = subprocess.run([*command, "--log-dir-allow-dirty"], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0 and "Running 0 tasks (4 tasks complete)" in again.stdout
    written = build_report(tmp_path / "logs", tmp_path / "report")
    assert written["incomplete"] == []
    profile = (tmp_path / "report" / "profile.md").read_text()
    assert "organism:faithful" in profile and "organism:posthoc" in profile
