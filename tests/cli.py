"""Drive the real ``inspect`` command line, in-process or as a subprocess.

In-process runs Inspect's own click command (``inspect_ai._cli.main.inspect``): the same option
parsing, the same YAML reading of ``-T`` values (``a,b`` a list, ``mmlu:`` a dict, ``true`` a
bool), the same task loading. What ``inspect``'s ``main()`` adds is its exception hook, which
prints a ``PrerequisiteError`` as its message and lets Python exit 1; ``run_inspect`` renders
exactly that, and reports any other exception as the traceback a user would see. A few cases
per suite also run as real subprocesses (``run_inspect_process``) to pin the rendering itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSPECT = str(Path(sys.executable).parent / "inspect")


@dataclass
class CliResult:
    exit_code: int
    output: str
    traceback: str | None = None  # set when the user would see a traceback

    def lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.strip() and "Loading weights" not in line]

    def refused_in_one_line(self, culprit: str) -> bool:
        """Exit 1, no traceback, and one printed line containing ``culprit``."""
        return (self.exit_code == 1 and self.traceback is None and "Traceback" not in self.output
                and sum(culprit in line for line in self.lines()) >= 1)


def run_inspect(*args: str, cwd: Path = REPO) -> CliResult:
    """``inspect <args>`` in this process, rendered as the real command renders it."""
    from click.testing import CliRunner
    from inspect_ai._cli.main import inspect

    from cot_harness.providers.inspect_private import PrerequisiteError

    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(inspect, list(args), catch_exceptions=True)
    finally:
        os.chdir(old)
    error = result.exception
    if error is None or isinstance(error, SystemExit):
        return CliResult(result.exit_code, result.output)
    if isinstance(error, PrerequisiteError):
        return CliResult(1, f"{result.output}\n{error.message}\n")
    shown = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return CliResult(1, result.output + shown, traceback=shown)


def run_inspect_process(*args: str, cwd: Path = REPO, timeout: float = 300, env: dict[str, str] | None = None) -> CliResult:
    run = subprocess.run([INSPECT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})
    output = run.stdout + run.stderr
    return CliResult(run.returncode, output, output if "Traceback" in output else None)
