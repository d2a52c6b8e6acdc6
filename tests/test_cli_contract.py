"""What users type, through the real command line (``tests/cli.py``): every task parameter as
``-T`` hands it over — lists, dicts, bools, numbers — refused in one line naming it, or run.

Two kinds of cases:
* generated from each task's declared parameters (``core/parameters.py``): for every parameter a
  wrong type, an out-of-range value, an unknown choice, a list where one value is wanted and a
  mapping where a list is wanted — each must exit 1 with one line naming ``-T <name>=``;
* the cases users met (issue 28): comma lists that crashed, silent fallbacks, tracebacks.
Nothing that looks like a result may be written by a refused run.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
from cli import REPO, run_inspect, run_inspect_process

from cot_harness.core.parameters import Declared, declared_parameters, is_checked


def _task_files() -> dict[str, list[str]]:
    """Task module → its tasks, as the registry loads them (a new task file is covered unasked)."""
    from cot_harness.registry import TASK_MODULES

    return {m.__name__.rsplit(".", 1)[-1]: list(getattr(m, "DESCRIPTORS", {})) for m in TASK_MODULES
            if getattr(m, "DESCRIPTORS", None)}


TASK_FILES = _task_files()


def _function(file: str, name: str) -> Any:
    import importlib

    return getattr(importlib.import_module(f"cot_harness.tasks.{file}"), name)


def _bad_values(d: Declared) -> list[tuple[str, str, str]]:
    """(case, the text typed after ``-T name=``, what the message must say) for one parameter."""
    base = typing.get_args(d.kind)[0] if d.is_list else d.kind
    found: list[tuple[str, str, str]] = []
    if typing.get_origin(base) is Literal:
        found.append(("unknown value", "nosuch", "choose one of"))
    elif base is int:
        found.append(("wrong type", "abc", "must be a whole number"))
        found.append(("fraction", "1.5", "must be a whole number"))
    elif base is bool:
        found.append(("wrong type", "maybe", "must be true or false"))
    if d.param.minimum is not None and base is int:
        found.append(("below minimum", str(int(d.param.minimum) - 1), "must be at least"))
    if d.param.maximum is not None and base is int:
        found.append(("above maximum", str(int(d.param.maximum) + 1), "must be at most"))
    if d.is_list:
        found.append(("mapping for a list", "a: b", "must be a comma-separated list"))
        first = str(typing.get_args(base)[0]) if typing.get_origin(base) is Literal else ("8" if base is int else "x")
        found.append(("empty item", f"{first},", "no empty item"))  # a lone "," is a YAML error inside Inspect
    else:
        found.append(("list for one value", "1,2", "takes one value, not a list"))
    if not d.optional:
        found.append(("unset", "", "needs a value"))
    return found


GENERATED = [(f"{task}:{d.name}:{case}", file, task, d.name, typed, said)
             for file, tasks in TASK_FILES.items() for task in tasks
             for d in declared_parameters(_function(file, task)) for case, typed, said in _bad_values(d)]


def test_every_task_declares_its_parameters_through_the_one_layer() -> None:
    assert sum(len(tasks) for tasks in TASK_FILES.values()) >= 14
    for file, tasks in TASK_FILES.items():
        for task in tasks:
            assert is_checked(_function(file, task)), task


@pytest.mark.parametrize(("case", "file", "task", "name", "typed", "said"), GENERATED, ids=[g[0] for g in GENERATED])
def test_each_declared_parameter_refuses_bad_values_in_one_line(case: str, file: str, task: str, name: str, typed: str,
                                                                said: str, tmp_path: Path) -> None:
    result = run_inspect("eval", f"tasks/{file}.py@{task}", "--model", "mockllm/model", "-T", f"{name}={typed}",
                         "--log-dir", str(tmp_path))
    assert result.refused_in_one_line(f"-T {name}="), result.output
    assert any(said in line for line in result.lines()), result.output
    assert not list(tmp_path.rglob("*.eval"))


def test_the_generated_cases_cover_every_parameter() -> None:
    assert len({(g[2], g[3]) for g in GENERATED}) == sum(
        len(declared_parameters(_function(f, t))) for f, ts in TASK_FILES.items() for t in ts)
    assert len(GENERATED) >= 150


MET = [  # (case, args after `inspect eval`, the line's culprit)
    ("misspelt parameter", ["tasks/hidden_influences.py@hint_verbalization", "-T", "hint_type=metadata"],
     "-T hint_type: hint_verbalization has no such parameter"),
    ("one bad hint kind in a list", ["tasks/hidden_influences.py@hint_verbalization", "-T", "hint_types=sycophancy,flattery"],
     "flattery"),
    ("fast_path=maybe", ["tasks/faithfulness.py@early_answering", "-T", "fast_path=maybe"], "-T fast_path=maybe"),
    ("bias_types=nosuch", ["tasks/bias_influence.py", "-T", "bias_types=nosuch"], "nosuch not in the dumps"),
    ("dataset=mmlu:", ["tasks/faithfulness.py@cot_vs_no_cot", "-T", "dataset=mmlu:"], "mmlu"),
    ("epochs=0", ["tasks/abduction.py@self_identification", "-T", "epochs=0"], "-T epochs=0: must be at least 1"),
    ("mode=bogus", ["tasks/abduction.py@name_likelihood", "-T", "mode=bogus"], "-T mode=bogus: choose one of"),
    ("answer_template without {name}", ["tasks/abduction.py@name_likelihood", "-T", "answer_template=I am"],
     "must contain {name}"),
    ("unknown chatbot", ["tasks/abduction.py@k_examples_inference", "-T", "chatbot=Nosuch"], "no chatbot named 'Nosuch'"),
    ("k_shot=100", ["tasks/hidden_influences.py@biased_context", "-T", "bias=always_a", "-T", "k_shot=100"],
     "-T k_shot=100: must be at most"),
]


@pytest.mark.parametrize(("case", "args", "culprit"), MET, ids=[m[0] for m in MET])
def test_cases_users_met_are_refused_in_one_line(case: str, args: list[str], culprit: str, tmp_path: Path) -> None:
    result = run_inspect("eval", *args, "--model", "mockllm/model", "--log-dir", str(tmp_path))
    assert result.refused_in_one_line(culprit), result.output
    assert not list(tmp_path.rglob("*.eval"))


def test_a_misspelt_registry_name_is_repeated_with_the_closest_names(tmp_path: Path) -> None:
    result = run_inspect_process("eval", "cot_harness/early_answerin", "--model", "mockllm/model", "--log-dir", str(tmp_path),
                                 cwd=tmp_path)
    assert result.refused_in_one_line("cot_harness/early_answerin: no such task; did you mean cot_harness/early_answering?")


BAD_ITEMS = {
    "empty option": '{"question": "2 + 2?", "options": ["3", " "], "answer": "A"}',
    "27 options": json.dumps({"question": "Pick", "options": [f"o{i}" for i in range(27)], "answer": "A"}),
    "same option twice": '{"question": "2 + 2?", "options": ["4", "4"], "answer": "A"}',
}


@pytest.mark.parametrize("case", list(BAD_ITEMS))
def test_a_bad_item_in_a_local_file_is_refused_with_its_line_or_skipped_and_listed(case: str, tmp_path: Path) -> None:
    good = '{"question": "3 + 3?", "options": ["6", "7"], "answer": "A"}'
    data = tmp_path / "q.jsonl"
    data.write_text(f"{good}\n{BAD_ITEMS[case]}\n")
    refused = run_inspect("eval", "tasks/faithfulness.py@cot_vs_no_cot", "--model", "mockllm/model", "-T",
                          f"dataset={data}", "--log-dir", str(tmp_path / "a"))
    assert refused.refused_in_one_line("q.jsonl:2:"), refused.output
    from cot_harness.tasks.faithfulness import cot_vs_no_cot

    task = cot_vs_no_cot(dataset=str(data), bad_items="skip")
    assert len(task.dataset) == 1
    rejected = (task.metadata or {})["rejected_items"]
    assert len(rejected) == 1 and "q.jsonl:2:" in rejected[0]


@pytest.mark.slow
def test_valid_comma_lists_run_from_the_command_line(tmp_path: Path) -> None:
    """``-T hint_types=a,b`` arrives as a list: the run uses exactly those two kinds."""
    result = run_inspect_process("eval", "tasks/hidden_influences.py@hint_verbalization", "--model", "organism/hint_user",
                                 "-T", "hint_types=sycophancy,metadata", "-T", "n=4", "--log-dir", str(tmp_path))
    assert result.exit_code == 0 and result.traceback is None, result.output
    from inspect_ai.log import list_eval_logs, read_eval_log

    [info] = list_eval_logs(str(tmp_path))
    log = read_eval_log(info)
    assert log.status == "success"
    kinds = {h["metric"].split("_")[0] for h in (log.eval.metadata or {})["headlines"]}
    assert kinds == {"sycophancy", "metadata"}


@pytest.mark.slow
def test_a_file_run_gives_each_task_the_options_it_has(tmp_path: Path) -> None:
    """``inspect eval tasks/faithfulness.py -T max_points=2`` hands ``max_points`` to all five tasks:
    early_answering takes it, the other four run without it (a warning each), while a name no
    task has is still refused."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    result = run_inspect("eval", "tasks/faithfulness.py", "--model", "organism/faithful", "--limit", "1",
                         "-T", "max_points=2", "-T", "edit_mode=rule", "--log-dir", str(tmp_path / "ok"))
    assert result.exit_code == 0 and result.traceback is None, result.output
    logs = {log.eval.task.split("/")[-1]: log for log in map(read_eval_log, list_eval_logs(str(tmp_path / "ok")))}
    assert set(logs) == {"cot_vs_no_cot", "early_answering", "adding_mistakes", "paraphrasing", "filler_tokens"}
    assert all(log.status == "success" for log in logs.values())
    [sample] = logs["early_answering"].samples or []
    curves = (sample.scores or {})["early_answering_scorer"].metadata or {}
    assert len(curves["curves"]["x"]) == 2  # max_points reached it

    typo = run_inspect("eval", "tasks/faithfulness.py", "--model", "mockllm/model", "--limit", "1",
                       "-T", "max_point=2", "--log-dir", str(tmp_path / "typo"))
    assert typo.refused_in_one_line("-T max_point: cot_vs_no_cot has no such parameter"), typo.output
    assert not list(tmp_path.rglob("typo/*.eval"))


@pytest.fixture(scope="module")
def hint_log(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("hint")
    result = run_inspect("eval", "tasks/hidden_influences.py@hint_verbalization", "--model", "organism/hint_user",
                         "-T", "n=4", "-T", "hint_types=sycophancy", "--log-dir", str(out))
    assert result.exit_code == 0, result.output
    [log] = list(out.glob("*.eval"))
    return str(log)


@pytest.mark.slow
@pytest.mark.parametrize(("option", "culprit"), [
    ("classifier=nosuch", "-S classifier='nosuch': choose a keyword rule (keyword, keyword_generic) or a judge role"),
    ("template=nosuch", "judge template 'nosuch': no such file, and no shipped template of that name"),
    ("calibration=nope.yaml", "calibration file"),
])
def test_inspect_score_names_a_bad_scorer_option(hint_log: str, option: str, culprit: str) -> None:
    """Inspect's scorer loader reads any ValueError from a scorer's factory as "no such scorer";
    the re-grade command's refusals must still name the option."""
    before = Path(hint_log).stat().st_mtime_ns
    result = run_inspect("score", hint_log, "--scorer", "cot_harness/verbalisation", "-S", option,
                         "--model", "mockllm/model", "--action", "append", "--overwrite")
    assert result.refused_in_one_line(culprit), result.output
    assert "couldn't be loaded" not in result.output
    assert Path(hint_log).stat().st_mtime_ns == before  # the log is untouched


@pytest.mark.slow
def test_a_refusal_prints_even_with_display_none(tmp_path: Path) -> None:
    result = run_inspect_process("eval", "tasks/faithfulness.py@cot_vs_no_cot", "--model", "mockllm/model",
                                 "-T", "n=abc", "--display", "none", "--log-dir", str(tmp_path))
    assert result.refused_in_one_line("-T n=abc: must be a whole number"), result.output


_ = REPO


def test_the_options_documentation_is_generated_from_the_declarations() -> None:
    """docs/parameters.md is what ``python -m cot_harness --markdown`` prints: the declarations are
    the one source of every option's type, default and help."""
    import subprocess
    import sys

    printed = subprocess.run([sys.executable, "-m", "cot_harness", "--markdown"], capture_output=True, text=True,
                             check=True, cwd=REPO.parent).stdout
    assert (REPO / "docs" / "parameters.md").read_text(encoding="utf-8") == printed, \
        "docs/parameters.md is stale: python -m cot_harness --markdown > docs/parameters.md"
