"""Comparison runs: resumed after an interruption without redoing finished work (counted at a real
local server), response caching that never mixes checkpoints, and bad input refused in one line
with nothing overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, Served, organism_path
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.log import list_eval_logs, read_eval_log
from inspect_ai.model import ChatMessageUser, GenerateConfig
from inspect_ai.model._cache import CacheEntry
from inspect_ai.solver import generate

from cot_harness.catalogue import harness_tasks, task_names
from cot_harness.reports.__main__ import main as report_main
from cot_harness.reports.compare import cache_policy
from cot_harness.reports.compare import main as compare_main


def cache_key(entry: dict[str, Any]) -> str:
    """The key Inspect files a response under for ``entry`` (same prompt and settings every time)."""
    return CacheEntry(base_url=None, config=GenerateConfig(max_tokens=8), input=[ChatMessageUser(content="Start at 3.")],
                      model=entry["model"], policy=cache_policy(entry), tool_choice=None, tools=[]).key


def test_two_checkpoints_never_share_cache_entries(tmp_path: Path) -> None:
    faithful_args: dict[str, Any] = {"model_path": str(organism_path("faithful"))}
    faithful = {"model": "harness-hf/local", "args": faithful_args}
    posthoc = {"model": "harness-hf/local", "args": {"model_path": str(organism_path("posthoc"))}}
    assert cache_key(faithful) == cache_key(dict(faithful))
    assert cache_key(faithful) != cache_key(posthoc)
    assert cache_key(faithful) != cache_key({"model": "harness-hf/local", "args": {**faithful_args, "do_sample": False}})
    # A checkpoint retrained in place is a different model.
    checkpoint = tmp_path / "ckpt"
    checkpoint.mkdir()
    (checkpoint / "model.safetensors").write_bytes(b"v1")
    entry = {"model": "harness-hf/local", "args": {"model_path": str(checkpoint)}}
    before = cache_key(entry)
    time.sleep(0.01)
    (checkpoint / "model.safetensors").write_bytes(b"v2")
    os.utime(checkpoint / "model.safetensors", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert cache_key(entry) != before


def test_known_tasks_are_the_task_files_tasks() -> None:
    assert set(harness_tasks()) >= {"cot_vs_no_cot", "early_answering", "biased_context", "bias_influence",
                                    "self_identification"}
    assert task_names("tasks/faithfulness.py") == [
        "cot_vs_no_cot", "early_answering", "adding_mistakes", "paraphrasing", "filler_tokens"]


def compare_config(root: Path, served: Served, **extra: Any) -> Path:
    config = {"models": [{"model": f"openai-api/local/{served.path}",
                          "args": {"base_url": served.base_url, "api_key": "none"}}],
              "tasks": ["tasks/faithfulness.py@cot_vs_no_cot", "tasks/faithfulness.py@early_answering"],
              "task_args": {"n": 4, "max_tokens": 96}, "max_connections": 1,
              "log_dir": str(root / "logs"), "report": str(root / "report"), **extra}
    root.mkdir(parents=True, exist_ok=True)
    path = root / "compare.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_compare(config: Path, cache_dir: Path) -> subprocess.Popen[str]:
    """``python -m cot_harness.reports.compare <config>`` from the repo root, as a user runs it, with its own
    response cache (``cache_dir``)."""
    return subprocess.Popen([sys.executable, "-m", "cot_harness.reports.compare", str(config)], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "INSPECT_CACHE_DIR": str(cache_dir), "PWD": str(REPO)})


def finish(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-3000:]
    return output


@pytest.mark.slow
def test_an_interrupted_comparison_resumes_without_redoing_finished_samples(served_faithful: Served,
                                                                            tmp_path: Path) -> None:
    """The server counts the chat completions: a clean run needs C. A run stopped with Ctrl-C after
    about C/2 and started again needs no more than C in all, plus at most the one request in flight
    when it was stopped (max_connections 1); a third start sends nothing."""
    before = served_faithful.completions()
    finish(start_compare(compare_config(tmp_path / "clean", served_faithful), tmp_path / "cache-clean"))
    clean = served_faithful.completions() - before
    assert clean > 12

    config = compare_config(tmp_path / "resumed", served_faithful)
    start = served_faithful.completions()
    process = start_compare(config, tmp_path / "cache")
    while served_faithful.completions() - start < clean // 2:
        assert process.poll() is None, "the run finished before it could be interrupted"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=120)
    first = served_faithful.completions() - start
    assert clean // 2 <= first < clean

    finish(start_compare(config, tmp_path / "cache"))
    resumed = served_faithful.completions() - start - first
    print(f"completions: clean run {clean}; interrupted {first} + resumed {resumed}")
    assert resumed > 0 and first + resumed <= clean + 1, (first, resumed, clean)

    finish(start_compare(config, tmp_path / "cache"))
    assert served_faithful.completions() - start - first - resumed == 0

    logs = [read_eval_log(info, header_only=True) for info in list_eval_logs(str(tmp_path / "resumed" / "logs"))]
    finished = [log for log in logs if log.status == "success"]
    assert sorted(log.eval.task.split("/")[-1] for log in finished) == ["cot_vs_no_cot", "early_answering"]
    assert all(log.results and log.results.completed_samples == 4 for log in finished)
    assert (tmp_path / "resumed" / "report" / "index.html").exists()


def run_report(log_dir: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``python -m cot_harness.reports <log_dir> --out <out>`` (its ``main``); returns the message it exits with."""
    monkeypatch.setattr(sys, "argv", ["reports", str(log_dir), "--out", str(out)])
    with pytest.raises(SystemExit) as exited:
        report_main()
    return str(exited.value.code)


def unrelated_log(log_dir: Path) -> None:
    """A successful Inspect log of a task the harness does not define."""
    task = Task(dataset=[Sample(input="Start at 3.", target="A")], solver=generate(), name="some_other_task")
    (log,) = inspect_eval(task, model="organism/faithful", log_dir=str(log_dir), display="none")
    assert log.status == "success"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: None, "is not a directory"),
        (lambda d: d.mkdir(), "no Inspect logs under"),
        (lambda d: (d.mkdir(), (d / "notes.txt").write_text("not a log")), "no Inspect logs under"),
        (lambda d: (d.mkdir(), (d / "2026-01-01T00-00-00_x_abc.json").write_text("{}")), "not a readable Inspect log"),
        (unrelated_log, "task 'some_other_task' is not a harness task"),
    ],
    ids=["missing", "empty", "foreign-files", "foreign-json", "unrelated-task"],
)
def test_report_refuses_bad_input_in_one_line_and_overwrites_nothing(make: Any, message: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    log_dir, out = tmp_path / "logs", tmp_path / "report"
    make(log_dir)
    out.mkdir()
    (out / "index.html").write_text("an earlier report")
    error = run_report(log_dir, out, monkeypatch)
    assert message in error and "\n" not in error, error
    assert [p.name for p in out.iterdir()] == ["index.html"] and (out / "index.html").read_text() == "an earlier report"


@pytest.mark.parametrize(
    ("task", "message"),
    [("tasks/faithfulness.py@early_answer", "tasks/faithfulness.py has no task 'early_answer' (its tasks: cot_vs_no_cot"),
     ("tasks/faithfulnes.py@cot_vs_no_cot", "no task file 'tasks/faithfulnes.py'")],
)
def test_a_config_naming_an_unknown_task_fails_before_anything_runs(task: str, message: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"models": [{"model": "organism/faithful"}], "tasks": [task],
                                      "log_dir": str(tmp_path / "logs"), "report": str(tmp_path / "report")}))
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(sys, "argv", ["cot_harness.reports.compare", str(config)])
    with pytest.raises(SystemExit) as exited:
        compare_main()
    error = str(exited.value.code)
    assert error.startswith(f"{config}: tasks[0]") and message in error and "\n" not in error, error
    assert not (tmp_path / "logs").exists() and not (tmp_path / "report").exists()


@pytest.mark.slow
def test_a_pilot_run_makes_the_token_estimate_hold_within_20_percent(tmp_path: Path) -> None:
    """``--dry-run --pilot <logs>``: tokens per sample measured on a 6-item pilot (cache off) predict
    the tokens a 24-item run of the same tasks and models uses, within 20 % (the default of 600 per
    call is only a ceiling for chat models: on the organisms it is ~10 times too high)."""
    from cot_harness.reports.compare import CompareConfig, estimate_calls, run

    def config(root: Path, n: int) -> CompareConfig:
        return CompareConfig(models=[{"model": "organism/faithful"}, {"model": "organism/posthoc"}],
                             tasks=["cot_harness/cot_vs_no_cot", "cot_harness/adding_mistakes"],
                             task_args={"n": n, "max_tokens": 96}, log_dir=str(root / "logs"),
                             report=str(root / "report"), cache=False)

    run(config(tmp_path / "pilot", 6), dry_run=False)
    full = config(tmp_path / "full", 24)
    _, estimate = estimate_calls(full, pilot=tmp_path / "pilot" / "logs")
    _, default = estimate_calls(full)
    run(full, dry_run=False)
    used = sum(u.total_tokens for info in list_eval_logs(str(tmp_path / "full" / "logs"))
               for u in (read_eval_log(info, header_only=True).stats.model_usage.values()))
    print(f"tokens: pilot estimate {estimate}, default estimate {default}, used {used}")
    assert abs(estimate - used) / used <= 0.2
    assert default > 3 * used  # why the pilot is needed for small models


@pytest.mark.slow
def test_the_pilot_estimate_holds_on_the_test_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check against the OpenAI-compatible test server (scripted replies, realistic usage
    fields): a 4-item pilot predicts a 12-item run's tokens within 20 %."""
    from realistic_server import committed_script, realistic_server

    from cot_harness.reports.compare import CompareConfig, estimate_calls, run

    with realistic_server(committed_script("C")) as server:
        monkeypatch.setenv("SCRIPTED_BASE_URL", server.base_url)
        monkeypatch.setenv("SCRIPTED_API_KEY", "none")

        def config(root: Path, n: int) -> CompareConfig:
            return CompareConfig(models=[{"model": "openai-api/scripted/always-c"}],
                                 tasks=["cot_harness/cot_vs_no_cot", "cot_harness/early_answering"],
                                 task_args={"n": n, "max_tokens": 96}, log_dir=str(root / "logs"),
                                 report=str(root / "report"), cache=False, max_connections=4)

        run(config(tmp_path / "pilot", 4), dry_run=False)
        full = config(tmp_path / "full", 12)
        _, estimate = estimate_calls(full, pilot=tmp_path / "pilot" / "logs")
        run(full, dry_run=False)
    used = sum(u.total_tokens for info in list_eval_logs(str(tmp_path / "full" / "logs"))
               for u in (read_eval_log(info, header_only=True).stats.model_usage.values()))
    assert used > 0 and abs(estimate - used) / used <= 0.2, (estimate, used)
