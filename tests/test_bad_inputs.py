"""A committed bad-input suite: every case a new user can get wrong — broken dataset files,
wrong task parameters, broken model directories, malformed YAML, foreign log folders — must
fail before any model call with one line that names the culprit (``UserInputError``, which
``inspect eval`` prints without a traceback and exits 1; ``SystemExit`` for the harness's own
commands), and write nothing that looks like a result. A few cases run the real CLI to pin the
rendering (one line, exit status 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli import run_inspect

from cot_harness.core.errors import UserInputError

REPO = Path(__file__).resolve().parents[1]
INSPECT = str(Path(sys.executable).parent / "inspect")


# --- files each case writes into tmp_path: name -> content -------------------------------------
Q = {"question": "2 + 2?", "options": ["3", "4"], "answer": "B"}


def _jsonl(*rows: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


GOOD_ROSTER = (REPO / "cot_harness" / "core" / "data" / "roster.yaml").read_text(encoding="utf-8")

# (case id, files to write, the `inspect eval` arguments, substring the one-line message must contain);
# "file:x" in an argument is the file x written into the case's directory
Case = tuple[str, dict[str, str | bytes], list[str], str]
FAITH, HIDDEN, BIAS, ABDUCTION = "tasks/faithfulness.py@", "tasks/hidden_influences.py@", "tasks/bias_influence.py", \
    "tasks/abduction.py@"


def faith(task: str, **args: Any) -> list[str]:
    return [FAITH + task, *(x for k, v in args.items() for x in ("-T", f"{k}={v}"))]


def hidden(task: str, **args: Any) -> list[str]:
    return [HIDDEN + task, *(x for k, v in args.items() for x in ("-T", f"{k}={v}"))]


def data(name: str, **args: Any) -> list[str]:
    return faith("cot_vs_no_cot", dataset=f"file:{name}", **args)


CASES: list[Case] = [
    # datasets: local files
    ("missing file", {}, data("nope.jsonl"), "nope.jsonl"),
    ("unsupported extension", {"q.txt": "x"}, data("q.txt"), "unsupported file type '.txt'"),
    ("empty file", {"q.jsonl": ""}, data("q.jsonl"), "q.jsonl: no rows"),
    ("invalid JSON line", {"q.jsonl": _jsonl(Q, "{oops")}, data("q.jsonl"), "q.jsonl:2: not valid JSON"),
    ("JSON line not an object", {"q.jsonl": _jsonl(Q, "[1, 2]")}, data("q.jsonl"), "q.jsonl:2: expected a JSON object"),
    ("missing question", {"q.jsonl": _jsonl({"answer": "A"})}, data("q.jsonl"), "q.jsonl:1: missing field 'question'"),
    ("missing answer", {"q.jsonl": _jsonl({"question": "Q?"})}, data("q.jsonl"), "q.jsonl:1: missing field 'answer'"),
    ("options not JSON", {"q.jsonl": _jsonl({**Q, "options": "[3, 4"})}, data("q.jsonl"), "field 'options' is not valid JSON"),
    ("options wrong type", {"q.jsonl": _jsonl({**Q, "options": 7})}, data("q.jsonl"), "field 'options' must be a list"),
    ("answer matches no option", {"q.jsonl": _jsonl({**Q, "answer": "five"})}, data("q.jsonl"), "answer 'five' matches no option"),
    ("digit answer without base", {"q.jsonl": _jsonl({**Q, "answer": "1"})}, data("q.jsonl"), "answer_index=0 or -T answer_index=1"),
    ("index out of range", {"q.jsonl": _jsonl({**Q, "answer": "5"})}, data("q.jsonl", answer_index=1), "no option index"),
    ("index column invalid", {"q.jsonl": _jsonl({**Q, "answer": "1", "answer_index": 2})}, data("q.jsonl"), "'answer_index' must be 0 or 1"),
    ("one option", {"q.jsonl": _jsonl({**Q, "options": ["4"], "answer": "A"})}, data("q.jsonl"), "only one option"),
    ("duplicate options", {"q.jsonl": _jsonl({**Q, "options": ["4", "4 "]})}, data("q.jsonl"), "options 1 and 2 are the same text"),
    ("duplicate id", {"q.jsonl": _jsonl({**Q, "id": "a"}, {**Q, "question": "3?", "id": "a"})}, data("q.jsonl"), "duplicate id 'a'"),
    ("non-UTF-8 file", {"q.jsonl": b'{"question": "caf\xe9", "answer": "x"}\n'}, data("q.jsonl"), "not UTF-8 (byte 17"),
    ("CSV without question column", {"q.csv": "prompt,answer\nQ?,A\n"}, data("q.csv"), "q.csv:2: missing field 'question'"),
    ("CSV answer not an option", {"q.csv": "question,options,answer\nQ?,a|b,c\n"}, data("q.csv"), "answer 'c' matches no option"),
    ("unknown dataset", {}, faith("cot_vs_no_cot", dataset="gsm9k"), "unknown dataset 'gsm9k'"),
    ("path with builtin", {}, faith("cot_vs_no_cot", path="x"), "path and revision apply to hub datasets"),
    ("answer_index with builtin", {}, faith("cot_vs_no_cot", answer_index=1), "answer_index applies to local"),
    ("unknown MMLU subject", {}, faith("cot_vs_no_cot", dataset="mmlu:astrology"), "has no subset 'astrology'"),
    ("BBH without task", {}, faith("cot_vs_no_cot", dataset="bbh"), "needs a subset"),
    ("more built-in items than exist", {}, faith("cot_vs_no_cot", n=5000), "ask for n <= 732"),
    ("hub copy not found", {}, faith("cot_vs_no_cot", dataset="gsm8k", path="nothing/here.jsonl"), "nothing/here.jsonl"),
    ("broken BBH copy", {"bbh.json": '{"examples": [oops'}, faith("cot_vs_no_cot", dataset="bbh:snarks", path="file:bbh.json"), "bbh.json:1: not valid JSON"),
    # judge templates
    ("judge template missing", {}, hidden("hint_verbalization", judge_template="nope.txt"), "no such file, and no shipped template"),
    ("judge template unknown field", {"t.txt": "{cot} {hint_text}"},
     hidden("hint_verbalization", judge_template="file:t.txt"), "unknown field(s) ['hint_text']"),
    ("judge template without the CoT", {"t.txt": "Was a hint used?"},
     [BIAS, "-T", "judge_template=file:t.txt"], "must use ['{cot}']"),
    ("abduction judge template stray brace", {"t.txt": "{answer} {behaviours} {"},
     [ABDUCTION + "self_identification", "-T", "judge_template=file:t.txt"], "write a literal brace"),
    # bias dumps
    ("bias dump missing", {}, [BIAS, "-T", "path=file:none.jsonl"], "none.jsonl"),
    ("bias dump glob empty", {}, [BIAS, "-T", "path=file:x*.jsonl"], "no .jsonl file matches"),
    # rosters (abduction)
    ("roster missing", {}, [ABDUCTION + "self_identification", "-T", "roster=file:r.yaml"], "r.yaml does not exist"),
    ("roster malformed YAML", {"r.yaml": "chatbots:\n  - name: Pangolin\n   behaviour: x\n"},
     [ABDUCTION + "self_identification", "-T", "roster=file:r.yaml"], "r.yaml:3:"),
    ("roster without chatbots", {"r.yaml": "bots: []\n"},
     [ABDUCTION + "self_identification", "-T", "roster=file:r.yaml"], "non-empty 'chatbots' list"),
    # calibration sets (verbalisation classifiers)
    ("calibration file missing", {}, hidden("hint_verbalization", calibration="file:cal.yaml"), "cal.yaml does not exist"),
    ("calibration item without labels", {"cal.yaml": "- {id: a, kind: metadata, answer: x}\n"},
     hidden("hint_verbalization", calibration="file:cal.yaml"), "missing field(s) labels"),
    ("calibration labels not boolean", {"cal.yaml": "- {id: a, kind: metadata, answer: x, labels: {answer: {mentions: yes please, relies: false, dismisses: false}}}\n"},
     hidden("hint_verbalization", calibration="file:cal.yaml"), "labels need true/false"),
    ("calibration labels for a missing channel", {"cal.yaml": "- {id: a, kind: metadata, answer: x, labels: {answer: {mentions: true, relies: true, dismisses: false}, thinking: {mentions: true, relies: true, dismisses: false}}}\n"},
     hidden("hint_verbalization", calibration="file:cal.yaml"), "the item has channels ['answer']"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_fails_in_one_line_naming_the_culprit(case: Case, tmp_path: Path) -> None:
    """Through the real command line (tests/cli.py), as a user types it."""
    _, files, args, culprit = case
    for name, content in files.items():
        target = tmp_path / name
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    typed = [a.replace("file:", f"{tmp_path}/") for a in args]
    result = run_inspect("eval", *typed, "--model", "mockllm/model", "--log-dir", str(tmp_path / "logs"))
    assert result.refused_in_one_line(culprit), result.output
    assert not list(tmp_path.rglob("*.eval"))


# --- the harness's own commands: one line on stderr, non-zero exit, nothing written -----------
def _compare(tmp: Path, config: dict[str, Any] | str) -> str:
    file = tmp / "compare.yaml"
    file.write_text(config if isinstance(config, str) else yaml.safe_dump(config))
    return str(file)


GOOD = {"models": [{"model": "organism/faithful"}], "tasks": ["tasks/faithfulness.py@cot_vs_no_cot"]}
COMMAND_CASES: list[tuple[str, Callable[[Path], list[str]], str]] = [
    ("compare: malformed YAML", lambda t: ["cot_harness.reports.compare", _compare(t, "models: [\n  - model: x\n tasks: []")], "compare.yaml:"),
    ("compare: unknown key", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "retries": 3})], "unknown key(s) retries"),
    ("compare: no models", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "models": []})], "'models' must list at least one"),
    ("compare: model without name", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "models": [{"args": {}}]})], "models[0] needs a 'model' key"),
    ("compare: task file missing", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "tasks": ["tasks/nope.py@x"]})], "no task file 'tasks/nope.py'"),
    ("compare: task missing", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "tasks": ["tasks/faithfulness.py@early"]})], "has no task 'early'"),
    ("compare: bad retry value", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "retry_on_error": "many"})], "'retry_on_error' must be a whole number"),
    ("compare: bad fail_on_error", lambda t: ["cot_harness.reports.compare", _compare(t, {**GOOD, "fail_on_error": 2})], "'fail_on_error' must be true, false or a fraction"),
    ("compare: config missing", lambda t: ["cot_harness.reports.compare", str(t / "none.yaml")], "none.yaml: no such file"),
    ("report: no directory", lambda t: ["cot_harness.reports", str(t / "nothing")], "nothing is not a directory"),
    ("report: empty directory", lambda t: ["cot_harness.reports", str(t)], "no Inspect logs under"),
    ("series: manifest missing", lambda t: ["cot_harness.chatbots.series", str(t / "m.yaml")], "m.yaml does not exist"),
    ("series: manifest malformed", lambda t: ["cot_harness.chatbots.series", _write(t / "m.yaml", "checkpoints:\n- id: a\n  path: [x\n")], "m.yaml:"),
    ("series: unknown task", lambda t: ["cot_harness.chatbots.series", _write(t / "m.yaml", "checkpoints:\n- {id: a, path: organisms/chatbase}\n"),
                                        "--tasks", "self_identification,name_likelyhood"], "unknown task(s) name_likelyhood"),
]


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("case", COMMAND_CASES, ids=[c[0] for c in COMMAND_CASES])
def test_harness_commands_refuse_bad_input_in_one_line(case: tuple[str, Callable[[Path], list[str]], str],
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    _, argv, culprit = case
    args = argv(tmp_path)
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(sys, "argv", [args[0], *args[1:]])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module(args[0], run_name="__main__")
    message = str(exit_.value.code)
    assert exit_.value.code not in (0, None) and culprit in message and "\n" not in message.strip(), message
    assert not list(tmp_path.rglob("*.eval")) and not list(tmp_path.rglob("index.html"))


# --- through the real CLI: the rendering a user sees -----------------------------------------
CLI_CASES = [
    (["-T", "n=0"], "-T n=0: must be at least 1"),
    (["-T", "max_points=1"], "-T max_points=1: must be at least 2"),
    (["--model-role", "perturbr=organism/posthoc"], "--model-role perturbr: no harness task uses this role"),
    (["-T", "dataset=missing.jsonl"], "missing.jsonl"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "culprit"), CLI_CASES, ids=[c[1][:30] for c in CLI_CASES])
def test_inspect_eval_prints_one_line_and_exits_1(args: list[str], culprit: str, tmp_path: Path) -> None:
    run = subprocess.run([INSPECT, "eval", "tasks/faithfulness.py@early_answering", "--model", "organism/faithful",
                          *args, "--log-dir", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 1
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip() and "Loading weights" not in line]
    assert "Traceback" not in run.stdout + run.stderr
    assert any(culprit in line for line in lines), lines
    assert not list(tmp_path.rglob("*.eval"))


@pytest.mark.slow
def test_prefill_on_an_api_model_and_a_prompt_beyond_the_context_are_refused_before_any_call(tmp_path: Path) -> None:
    """Checks that need the model: ``forcing=prefill`` on a model that cannot continue a turn, and
    questions longer than an organism's 2,048-token context (refused, not silently truncated)."""
    from inspect_ai import eval as inspect_eval

    with pytest.raises(UserInputError, match="-T forcing='prefill': x/y cannot continue an assistant turn"):
        inspect_eval(f"{REPO}/tasks/faithfulness.py@early_answering", model="openai-api/x/y",
                     model_base_url="http://127.0.0.1:9", model_args={"api_key": "none"},
                     task_args={"forcing": "prefill"}, log_dir=str(tmp_path), display="none")
    huge = tmp_path / "huge.jsonl"
    huge.write_text(json.dumps({"question": "word " * 40_000, "options": ["a", "b"], "answer": "A"}) + "\n"
                    + json.dumps({"question": "2 + 2?", "options": ["3", "4"], "answer": "B"}) + "\n")
    with pytest.raises(UserInputError, match="-T max_tokens=4000: the model's context is 2048 tokens"):
        inspect_eval(f"{REPO}/tasks/faithfulness.py@cot_vs_no_cot", model="organism/faithful",
                     task_args={"max_tokens": 4000}, log_dir=str(tmp_path), display="none")
    [log] = inspect_eval(f"{REPO}/tasks/faithfulness.py@cot_vs_no_cot", model="organism/faithful",
                         task_args={"dataset": str(huge), "max_tokens": 64}, log_dir=str(tmp_path), display="none")
    assert log.status == "success" and len(log.samples or []) == 1  # the huge item was not run...
    rejected = (log.eval.metadata or {})["rejected_items"]
    assert len(rejected) == 1 and "does not fit the model's 2048-token context" in rejected[0]  # ...and says why


@pytest.mark.slow
def test_a_small_broken_bias_dump_finishes_with_its_rejects_listed(tmp_path: Path) -> None:
    """Seven lines, three of them broken, ``--limit 2``: the good lines run to completion (this
    once produced no result after four minutes) and the broken ones are in the log."""
    from inspect_ai import eval as inspect_eval

    def line(**overrides: object) -> str:
        record: dict[str, object] = {
            "original_question": "Q?", "original_question_hash": "h1", "original_dataset": "x",
            "unbiased_question": [{"role": "user", "content": "Q?\n\n(A) yes\n(B) no\n\nPlease think step by step."}],
            "biased_question": [{"role": "user", "content": "I think (B).\nQ?\n\n(A) yes\n(B) no"}],
            "bias_name": "suggested_answer", "ground_truth": "A", "biased_option": "B", **overrides}
        return json.dumps(record)

    dump = tmp_path / "seven.jsonl"
    dump.write_text("\n".join([
        line(), line(original_question_hash="h2"),
        line(original_question_hash="h3", bias_name="are_you_sure", biased_option="NOT A"), "{broken",
        line(original_question_hash="h4", ground_truth="C"), line(original_question_hash="h5"),
        line(original_question_hash="h6", bias_name="distractor_argument", biased_question=[])]) + "\n")
    [log] = inspect_eval(f"{REPO}/tasks/bias_influence.py@bias_influence", model="organism/hint_user",
                         task_args={"path": str(dump), "max_tokens": 128}, limit=2, log_dir=str(tmp_path / "logs"),
                         display="none")
    assert log.status == "success" and len(log.samples or []) == 2
    assert len((log.eval.metadata or {})["rejected_items"]) == 3
