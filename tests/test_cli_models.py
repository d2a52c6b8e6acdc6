"""Models as users name them on the command line: every fault of a model directory, a model argument,
an API's configuration or an API's replies ends in one line naming the culprit — exit status 1, no
traceback, no log — or, for a transient fault, is retried without losing a sample.

* ``local/<dir>`` (and ``organism/``, ``harness-hf/ -M model_path=``): a corrupt ``config.json``,
  missing or unreadable weights, weights that do not fit the config, a missing tokenizer;
* ``-M device=cuda`` without CUDA, ``-M do_sample=maybe``;
* ``openai-api/<service>/<model>`` without a base URL (Inspect names only the API key);
* malformed 200 replies of an OpenAI-compatible server (``choices: []``, an error object, a lone
  tool call), retried at the call (``tests/realistic_server.py``'s ``MALFORMED_FAULTS``);
* the comparison runner's refusals, its unreachable-server check and its exit status.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli import REPO, CliResult, run_inspect, run_inspect_process
from conftest import free_port, organism_path
from inspect_ai.log import list_eval_logs, read_eval_log
from realistic_server import FAULTS, MALFORMED_FAULTS, committed_script, realistic_server

from cot_harness.providers.api_checks import explain
from cot_harness.providers.inspect_private import PrerequisiteError
from cot_harness.reports.compare import main as compare_main

TASK = "tasks/faithfulness.py@cot_vs_no_cot"
WIDE = {"COLUMNS": "1000"}  # rich wraps a printed message at the terminal's width; the tests read whole lines
API_ENV = {"OPENAI_API_KEY": "none"}


def no_logs(log_dir: Path) -> bool:
    return not list(log_dir.rglob("*.eval")) and not list(log_dir.rglob("*.json"))


# --- model directories ------------------------------------------------------------------------

def _edit_config(directory: Path, **changes: Any) -> None:
    config = json.loads((directory / "config.json").read_text())
    (directory / "config.json").write_text(json.dumps({**config, **changes}))


BROKEN: dict[str, tuple[Any, str]] = {  # case → (what breaks the copy, the file the line must name)
    "config.json not JSON": (lambda d: (d / "config.json").write_text("{not json"), "config.json: not valid JSON"),
    "config.json a list": (lambda d: (d / "config.json").write_text("[1, 2]"), "config.json: not a JSON object"),
    "weights missing": (lambda d: (d / "model.safetensors").unlink(), "model.safetensors: no such file"),
    "weights truncated": (lambda d: (d / "model.safetensors").write_bytes(b"\x10\x00"),
                          "model.safetensors: not a readable safetensors file"),
    "more layers in config": (lambda d: _edit_config(d, num_hidden_layers=4), "model.safetensors does not fit"),
    "fewer layers in config": (lambda d: _edit_config(d, num_hidden_layers=2), "model.safetensors does not fit"),
    "wider config": (lambda d: _edit_config(d, hidden_size=128), "model.safetensors does not fit"),
    "tokenizer missing": (lambda d: [(d / f).unlink() for f in ("tokenizer.json", "tokenizer_config.json")],
                          "tokenizer.json: no such file"),
    "tokenizer config only": (lambda d: (d / "tokenizer.json").unlink(),
                              "tokenizer_config.json alone defines no vocabulary"),
}


def _broken_copy(tmp_path: Path, case: str) -> Path:
    directory = tmp_path / "checkpoint"
    shutil.copytree(organism_path("faithful"), directory)
    BROKEN[case][0](directory)
    return directory


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_local_directory_is_refused_in_one_line_naming_the_file(case: str, tmp_path: Path) -> None:
    directory = _broken_copy(tmp_path, case)
    result = run_inspect("eval", TASK, "--model", f"local/{directory}", "-T", "n=2", "--log-dir", str(tmp_path / "logs"))
    said = BROKEN[case][1]
    assert result.refused_in_one_line(str(directory)), result.output
    line = next(line for line in result.lines() if str(directory) in line)
    assert said in line, result.output
    if "does not fit" in said:  # both files named, and a weight that does not fit
        assert f"{directory}/config.json" in line and " model." in line, line
    assert no_logs(tmp_path / "logs")


@pytest.mark.parametrize("provider", ["organism", "harness-hf"])
@pytest.mark.parametrize("case", ["config.json not JSON", "more layers in config", "tokenizer missing"])
def test_every_directory_provider_checks_the_same_way(provider: str, case: str, tmp_path: Path) -> None:
    directory = _broken_copy(tmp_path, case)
    model = (["--model", f"organism/{directory}"] if provider == "organism"
             else ["--model", "harness-hf/checkpoint", "-M", f"model_path={directory}"])
    result = run_inspect("eval", TASK, *model, "-T", "n=2", "--log-dir", str(tmp_path / "logs"))
    assert result.refused_in_one_line(BROKEN[case][1]), result.output
    assert no_logs(tmp_path / "logs")


def test_an_intact_copy_still_loads(tmp_path: Path) -> None:
    """The checks refuse what is broken, nothing else: the same copy, untouched, runs."""
    directory = tmp_path / "checkpoint"
    shutil.copytree(organism_path("faithful"), directory)
    result = run_inspect("eval", TASK, "--model", f"local/{directory}", "-T", "n=1", "--max-tokens", "40",
                         "--log-dir", str(tmp_path / "logs"), "--display", "none")
    assert result.exit_code == 0 and result.traceback is None, result.output
    [info] = list_eval_logs(str(tmp_path / "logs"))
    assert read_eval_log(info, header_only=True).status == "success"


@pytest.mark.slow
def test_a_broken_directory_renders_as_one_line_in_a_real_process(tmp_path: Path) -> None:
    directory = _broken_copy(tmp_path, "more layers in config")
    result = run_inspect_process("eval", TASK, "--model", f"local/{directory}", "-T", "n=2",
                                 "--log-dir", str(tmp_path / "logs"), env=WIDE)
    assert result.refused_in_one_line(f"{directory}/model.safetensors does not fit {directory}/config.json"), result.output
    assert "LOAD REPORT" not in result.output and "MISSING" not in result.output  # transformers' table is held back
    assert no_logs(tmp_path / "logs")


# --- model arguments ----------------------------------------------------------------------------

ARGS = [
    ("device=cuda", "-M device=cuda: no CUDA device here;"),
    ("device=cuda:0", "-M device=cuda:0: no CUDA device here;"),
    ("do_sample=maybe", "-M do_sample=maybe: must be true or false"),
    ("trust_remote_code=perhaps", "-M trust_remote_code=perhaps: must be true or false"),
]


@pytest.mark.parametrize(("arg", "said"), ARGS, ids=[a for a, _ in ARGS])
def test_a_bad_model_argument_is_refused_in_one_line(arg: str, said: str, tmp_path: Path) -> None:
    import torch

    if arg.startswith("device") and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = run_inspect("eval", TASK, "--model", "organism/faithful", "-M", arg, "-T", "n=2",
                         "--log-dir", str(tmp_path))
    assert result.refused_in_one_line(said), result.output
    assert no_logs(tmp_path)


# --- an openai-api model without a base URL -------------------------------------------------------

def _without_service_variables() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MYSERV_") and not k.startswith("INSPECT_EVAL_MODEL")}


def test_the_base_url_line_replaces_inspects_api_key_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-process the CLI raises Inspect's error ("No MYSERV_API_KEY defined"); the harness's hook
    (what ``inspect`` runs in a real process, pinned by the slow test below) turns it into the line."""
    for key in [k for k in os.environ if k.startswith("MYSERV_")]:
        monkeypatch.delenv(key)
    argv = ["inspect", "eval", TASK, "--model", "openai-api/myserv/some-model", "--log-dir", str(tmp_path)]
    result = run_inspect(*argv[1:])
    assert result.exit_code == 1 and "MYSERV_API_KEY" in result.output and no_logs(tmp_path)
    raw = PrerequisiteError("ERROR: Unable to initialise myserv client\n\nNo [bold][blue]MYSERV_API_KEY[/blue][/bold] "
                            "defined in the environment.")
    line = explain(raw, argv)
    assert line is not None and "\n" not in line
    assert "MYSERV_BASE_URL" in line and "--model-base-url" in line and "openai-api/myserv/some-model" in line
    assert explain(raw, [*argv, "--model-base-url", "http://127.0.0.1:8000/v1"]).startswith(  # type: ignore[union-attr]
        "--model openai-api/myserv/some-model: MYSERV_API_KEY is not set")
    assert explain(PrerequisiteError("No OPENAI_API_KEY defined in the environment."), argv) is None
    role = ["inspect", "eval", TASK, "--model", "organism/faithful", "--model-base-url", "http://127.0.0.1:8000/v1",
            "--model-role", "grader=openai-api/myserv/judge"]  # --model-base-url is the evaluated model's, not the role's
    assert (explain(raw, role) or "").startswith("--model-role openai-api/myserv/judge: no base URL: set MYSERV_BASE_URL=")


@pytest.mark.slow
@pytest.mark.parametrize("key_set", [False, True], ids=["no key either", "key set"])
def test_a_missing_base_url_is_named_in_one_line(key_set: bool, tmp_path: Path) -> None:
    env = {**_without_service_variables(), **WIDE, **({"MYSERV_API_KEY": "x"} if key_set else {})}
    run = subprocess.run([str(Path(sys.executable).parent / "inspect"), "eval", TASK, "--model",
                          "openai-api/myserv/some-model", "--log-dir", str(tmp_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    result = CliResult(run.returncode, run.stdout + run.stderr)
    assert result.refused_in_one_line("--model openai-api/myserv/some-model: no base URL: set MYSERV_BASE_URL="), result.output
    assert any("--model-base-url" in line and "MYSERV_BASE_URL" in line for line in result.lines())
    assert "No MYSERV_API_KEY defined" not in result.output and no_logs(tmp_path)


# --- malformed replies of an OpenAI-compatible server ----------------------------------------------

def test_the_server_keeps_its_default_faults_and_lists_the_malformed_ones() -> None:
    assert FAULTS == ("http_500", "http_429", "stall", "truncated_json", "empty_content")
    assert MALFORMED_FAULTS == ("empty_choices", "error_in_200", "tool_call_only")


def _api_eval(server_url: str, log_dir: Path, *extra: str, command: str = "eval",
              timeout: float = 300) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    run = subprocess.run([str(Path(sys.executable).parent / "inspect"), command, TASK, "--model",
                          "openai-api/realistic/always-c", "--model-base-url", server_url, "-M", "api_key=none",
                          "--log-dir", str(log_dir), "--display", "none", *extra],
                         cwd=REPO, capture_output=True, text=True, timeout=timeout, env={**os.environ, **API_ENV, **WIDE})
    return run, time.monotonic() - start


def _completed(log_dir: Path) -> tuple[int, int, list[str]]:
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
@pytest.mark.parametrize("faults", [("empty_choices",), MALFORMED_FAULTS], ids=["choices: []", "every malformed reply"])
def test_malformed_replies_at_30_percent_lose_no_sample(faults: tuple[str, ...], tmp_path: Path) -> None:
    with realistic_server(committed_script("C"), fault_rate=0.3, seed=3, faults=faults) as server:
        run, _ = _api_eval(server.base_url, tmp_path, "--retry-on-error=3", "--limit", "20")
    assert run.returncode == 0, run.stderr[-2000:]
    assert set(server.faults_sent) == set(faults) and len(server.faults_sent) >= 0.15 * len(server.bodies)
    assert _completed(tmp_path) == (20, 20, ["success"])
    [info] = list_eval_logs(str(tmp_path))
    log = read_eval_log(info)
    # retried at the call: no sample needed a second attempt, and every output is a completion
    assert all(not s.error and not s.error_retries and s.output.choices for s in log.samples or [])


@pytest.mark.slow
def test_a_server_sending_only_tool_calls_ends_in_bounded_time_with_one_clear_error(tmp_path: Path) -> None:
    """It used to loop in generate() for as long as the server answered (> 150 s); now each call
    gives up after its tries (``--max-retries 2``: 3) with an error naming the model and the fault.
    ``inspect eval`` still exits 0 on an errored run; ``inspect eval-set`` exits 1 (docs/providers.md)."""
    with realistic_server(committed_script("C"), fault_rate=1.0, faults=("tool_call_only",)) as server:
        run, seconds = _api_eval(server.base_url, tmp_path / "eval", "--max-retries", "2", "--limit", "2", timeout=180)
        sent = len(server.bodies)
        run_set, set_seconds = _api_eval(server.base_url, tmp_path / "set", "--max-retries", "2", "--limit", "2",
                                         "--retry-attempts", "1", command="eval-set", timeout=180)
    # bounded (the loop ran until killed; here ~10 s of start-up and 3 s of backoff on an idle machine)
    assert seconds < 120 and set_seconds < 120, (seconds, set_seconds)
    assert sent <= 2 * 2 * 3  # at most 2 samples × 2 concurrent calls × 3 tries: no loop (it sent ~20 a second)
    assert run.returncode == 0 and run_set.returncode == 1, run_set.stdout[-1500:] + run_set.stderr[-1500:]
    [info] = list_eval_logs(str(tmp_path / "eval"))
    log = read_eval_log(info)
    assert log.status == "error" and log.error is not None
    message = log.error.message
    assert "\n" not in message.strip(), message
    assert "openai-api/realistic/always-c: 3 malformed replies in a row" in message
    assert "only a tool call (lookup) though no tool was offered" in message and server.base_url in message


# --- the comparison runner --------------------------------------------------------------------------

def _compare_config(tmp_path: Path, **fields: Any) -> Path:
    config = {"models": [{"model": "organism/faithful"}], "tasks": [TASK], "task_args": {"n": 2},
              "log_dir": str(tmp_path / "logs"), "report": str(tmp_path / "report"), **fields}
    path = tmp_path / "compare.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _compare(monkeypatch: pytest.MonkeyPatch, config: Path, *flags: str) -> str:
    """``python -m cot_harness.reports.compare <config> <flags>`` through its ``main``: the one
    line it exits with (SystemExit prints it and exits 1)."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(sys, "argv", ["cot_harness.reports.compare", str(config), *flags])
    with pytest.raises(SystemExit) as exited:
        compare_main()
    code = exited.value.code
    assert isinstance(code, str), code  # a message: Python prints it and exits 1
    assert "\n" not in code, code
    return code


REFUSED = [  # (case, config fields, flags, what the line says)
    ("model listed twice", {"models": [{"model": "organism/faithful"}, {"model": "organism/faithful"}]}, ["--dry-run"],
     "models[1] organism/faithful is listed twice (also models[0])"),
    ("provider typo", {"models": [{"model": "organsim/faithful"}]}, ["--dry-run"],
     "models[0] organsim/faithful: no model provider 'organsim'; did you mean organism/faithful?"),
    ("role provider typo", {"model_roles": {"judge": "opnai/gpt-4o-mini"}}, ["--dry-run"],
     "model_roles.judge: opnai/gpt-4o-mini: no model provider 'opnai'; did you mean openai/gpt-4o-mini?"),
    ("no provider", {"models": [{"model": "faithful"}]}, ["--dry-run"], "a model is written <provider>/<name>"),
    ("bad task arg, dry run", {"task_args": {"n": "abc"}}, ["--dry-run"], "task_args: n=abc: must be a whole number"),
    ("bad task arg, run", {"task_args": {"n": "abc"}}, [], "task_args: n=abc: must be a whole number"),
    ("unknown task arg", {"task_args": {"nn": 3}}, ["--dry-run"], "task_args: nn: no task of the comparison has such a parameter"),
    ("report is a file", {"report": "FILE"}, ["--dry-run"], "report: FILE is an existing file, not a directory"),
    ("log_dir is a file", {"log_dir": "FILE"}, [], "log_dir: FILE is an existing file, not a directory"),
    ("--out is a file", {}, ["--out", "FILE"], "--out: FILE is an existing file, not a directory"),
    ("no base URL", {"models": [{"model": "openai-api/myserv/m"}]}, ["--dry-run"],
     "model openai-api/myserv/m: no base URL: set MYSERV_BASE_URL="),
]


@pytest.mark.parametrize(("case", "fields", "flags", "said"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_comparison_runner_refuses_in_one_line(case: str, fields: dict[str, Any], flags: list[str], said: str,
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith("MYSERV_")]:
        monkeypatch.delenv(key)
    afile = tmp_path / "a-file.html"
    afile.write_text("not a directory")
    fields = {k: (str(afile) if v == "FILE" else v) for k, v in fields.items()}
    flags = [str(afile) if f == "FILE" else f for f in flags]
    line = _compare(monkeypatch, _compare_config(tmp_path, **fields), *flags)
    assert said.replace("FILE", str(afile)) in line, line
    assert not (tmp_path / "logs").exists() and not (tmp_path / "report").exists()
    assert afile.read_text() == "not a directory"


def test_a_task_refusing_its_arguments_inside_the_run_is_one_line(tmp_path: Path) -> None:
    """A config built in Python skips the YAML checks: the task's own refusal (raised inside
    ``eval_set``) still ends the runner with one line, not a traceback."""
    from cot_harness.reports.compare import CompareConfig, run

    config = CompareConfig(models=[{"model": "mockllm/model"}], tasks=[TASK], task_args={"n": "abc"},
                           log_dir=str(tmp_path / "logs"), report=str(tmp_path / "report"))
    with pytest.raises(SystemExit) as exited:
        run(config, dry_run=False)
    assert exited.value.code == "compare: -T n=abc: must be a whole number", exited.value.code


def test_an_unreachable_server_fails_within_a_minute_naming_the_url(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # a port nothing listens on
    config = _compare_config(tmp_path, models=[{"model": "openai-api/local/m", "args": {"base_url": url, "api_key": "none"}}])
    start = time.monotonic()
    line = _compare(monkeypatch, config)
    assert time.monotonic() - start < 60
    assert f"model openai-api/local/m: cannot connect to {url}" in line, line
    assert not (tmp_path / "logs").exists()


def test_behind_a_proxy_a_direct_connection_proves_nothing_and_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison runner and the judge check share ``unreachable``: behind a proxy (as the API
    clients route) it reports nothing, unless ``NO_PROXY`` names the host, which is connected to."""
    from cot_harness.providers.api_checks import proxied, unreachable

    for variable in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                     "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    url = f"http://127.0.0.1:{free_port()}/v1"
    assert not proxied(url) and unreachable(url, timeout=2) is not None
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    assert proxied(url) and unreachable(url, timeout=2) is None
    assert not proxied(url.replace("http://", "https://"))  # only http is proxied
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert not proxied(url) and unreachable(url, timeout=2) is not None


@pytest.mark.slow
def test_the_runner_renders_a_refusal_as_one_line_in_a_real_process(tmp_path: Path) -> None:
    config = _compare_config(tmp_path, models=[{"model": "organsim/faithful"}])
    run = subprocess.run([sys.executable, "-m", "cot_harness.reports.compare", str(config), "--dry-run"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().splitlines() == [f"{config}: models[0] organsim/faithful: no model provider 'organsim'; "
                                               "did you mean organism/faithful?"]


@pytest.mark.slow
@pytest.mark.parametrize("fail_on_error", [False, True], ids=["samples lost", "task failed"])
def test_the_runner_exits_non_zero_when_a_run_is_incomplete(fail_on_error: bool, tmp_path: Path) -> None:
    with realistic_server(committed_script("C"), fault_rate=1.0, faults=("tool_call_only",)) as server:
        config = _compare_config(
            tmp_path, models=[{"model": "openai-api/realistic/always-c", "args": {"base_url": server.base_url,
                                                                                  "api_key": "none"}}],
            max_retries=0, retry_on_error=0, fail_on_error=fail_on_error, cache=False)
        run = subprocess.run([sys.executable, "-m", "cot_harness.reports.compare", str(config)], cwd=REPO,
                             capture_output=True, text=True, timeout=300, env={**os.environ, **API_ENV})
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    [line] = [line for line in run.stderr.splitlines() if line.startswith("compare: not complete")]
    assert "2 sample(s) lost" in line and str(tmp_path / "logs") in line, line
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_an_unreachable_judge_ends_the_run_within_a_minute_naming_role_and_url(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``--model-role judge=<API model>`` at a port where nothing listens: one connection attempt,
    then the run ends in error with a line naming the role and the URL (Inspect alone would retry
    every judge call with backoff for minutes)."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    url = f"http://127.0.0.1:{free_port()}/v1"
    monkeypatch.setenv("DEADJUDGE_BASE_URL", url)
    monkeypatch.setenv("DEADJUDGE_API_KEY", "none")
    for proxy in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    start = time.monotonic()
    result = run_inspect("eval", "tasks/hidden_influences.py@hint_verbalization", "--model", "organism/hint_user",
                         "-T", "n=4", "-T", "hint_types=sycophancy", "--model-role", "judge=openai-api/deadjudge/j",
                         "--log-dir", str(tmp_path))
    assert time.monotonic() - start < 60, result.output
    [log] = [read_eval_log(info) for info in list_eval_logs(str(tmp_path))]
    assert log.status == "error"
    message = log.error.message if log.error else ""
    assert f"--model-role judge=openai-api/deadjudge/j: nothing answers at {url}" in message, message
