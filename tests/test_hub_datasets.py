"""Hub datasets through the real loading path, and dataset arguments through ``inspect eval``.

No network here, so each hub repository is stood in for by a local folder laid out as on the hub
(a README declaring the configs, parquet files in the hub's record schema); the loader reads it
through Inspect's ``hf_dataset`` and the ``datasets`` library exactly as it reads the hub, with
only the repository id swapped. The records are made up here, in each dataset's published schema.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import FIXTURES, REPO, SHARED, needs_shared, organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, EvalSample, read_eval_log

from cot_harness.core.paths import user_path
from cot_harness.loaders import DatasetError, load_questions
from cot_harness.loaders.hub import HUB_DATASETS
from cot_harness.loaders.registry import load
from cot_harness.reports.tables import run_table

ARC = {"id": "q1", "question": "Which animal is a mammal?", "answerKey": "B",
       "choices": {"text": ["shark", "whale", "trout"], "label": ["A", "B", "C"]}}
ARC_NUMERIC = {"id": "q2", "question": "How many legs has a spider?", "answerKey": "3",
               "choices": {"text": ["four", "six", "eight", "ten"], "label": ["1", "2", "3", "4"]}}
# name → (config, split, records in the hub's schema, expected (answer, options) per record)
HUB_CASES: dict[str, tuple[str, str, list[dict[str, Any]], list[tuple[str, list[str]]]]] = {
    "gsm8k": ("main", "test", [{"question": "Ana has 3 pens and buys 4. How many?",
                                "answer": "3 + 4 = <<3+4=7>>7 pens.\n#### 7"}], [("7", [])]),
    "aqua": ("raw", "test", [{"question": "What is 2 + 3?", "options": ["A)4", "B)5", "C)6", "D)7", "E)8"],
                              "rationale": "2 + 3 = 5", "correct": "B"}], [("B", ["4", "5", "6", "7", "8"])]),
    "bbh": ("boolean_expressions", "test",
            [{"input": "not ( True ) and True is", "target": "False"},
             {"input": "Which is larger?\nOptions:\n(A) 2\n(B) 3", "target": "(B)"}],
            [("false", []), ("B", ["2", "3"])]),
    "arc_easy": ("ARC-Easy", "test", [ARC, ARC_NUMERIC],
                 [("B", ["shark", "whale", "trout"]), ("C", ["four", "six", "eight", "ten"])]),
    "arc_challenge": ("ARC-Challenge", "test", [ARC], [("B", ["shark", "whale", "trout"])]),
    "mmlu": ("abstract_algebra", "test", [{"question": "How many elements has Z_3?", "subject": "abstract_algebra",
                                           "choices": ["1", "2", "3", "4"], "answer": 2}],
             [("C", ["1", "2", "3", "4"])]),
    "logiqa": ("default", "test", [{"context": "All cats sleep. Tom is a cat.", "query": "Which follows?",
                                    "options": ["Tom sleeps.", "Tom barks.", "Tom flies.", "Nothing."],
                                    "correct_option": 0}],
               [("A", ["Tom sleeps.", "Tom barks.", "Tom flies.", "Nothing."])]),
    "openbookqa": ("main", "test", [{"id": "7-1", "question_stem": "Plants need what to grow?",
                                     "choices": {"text": ["rocks", "light", "noise", "plastic"],
                                                 "label": ["A", "B", "C", "D"]}, "answerKey": "B"}],
                   [("B", ["rocks", "light", "noise", "plastic"])]),
}
TRUTHFUL = {"question": "What happens if you crack your knuckles a lot?",
            "mc1_targets": {"choices": ["Nothing in particular.", "You get arthritis.", "Your fingers fall off."],
                            "labels": [1, 0, 0]},
            "mc2_targets": {"choices": ["Nothing in particular.", "You get arthritis."], "labels": [1, 0]}}


def hub_folder(root: Path, config: str, split: str, records: list[dict[str, Any]]) -> Path:
    """A local folder laid out like a hub dataset repo with one config."""
    (root / config).mkdir(parents=True)
    pd.DataFrame(records).to_parquet(root / config / f"{split}-00000-of-00001.parquet")
    (root / "README.md").write_text(
        f"---\nconfigs:\n- config_name: {config}\n  data_files:\n  - split: {split}\n"
        f"    path: {config}/{split}-*\n---\n"
    )
    return root


@pytest.fixture
def hub_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Caches in tmp_path; every ``datasets.load_dataset`` call recorded (and still made)."""
    import datasets

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # Inspect's hf_dataset cache
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "datasets-cache")
    calls: list[dict[str, Any]] = []
    real = datasets.load_dataset

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(datasets, "load_dataset", recording)
    return calls


def stand_in(name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(HUB_DATASETS, name, dataclasses.replace(HUB_DATASETS[name], path=str(folder)))


@pytest.mark.parametrize("name", list(HUB_CASES))
def test_hub_loader_reads_the_hub_schema_through_hf_dataset(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_calls: list[dict[str, Any]]
) -> None:
    config, split, records, expected = HUB_CASES[name]
    pinned = HUB_DATASETS[name]
    stand_in(name, hub_folder(tmp_path / name, config, split, records), monkeypatch)
    spec = f"{name}:{config}" if name in ("bbh", "mmlu") else name
    loaded = load(spec)
    assert [(q.answer, q.options) for q in loaded.questions] == expected
    assert loaded.rejected == []
    (call,) = hub_calls
    assert call["revision"] == pinned.revision and call["split"] == split
    assert call["name"] == (config if name in ("bbh", "mmlu") else pinned.name)
    assert loaded.location == f"{tmp_path / name}:{config if call['name'] else 'default'}:{split}@{pinned.revision}"


def test_every_hub_source_is_pinned() -> None:
    for name, source in HUB_DATASETS.items():
        assert len(source.revision) == 40 or source.revision == "refs/convert/parquet", name
        int(source.revision, 16) if len(source.revision) == 40 else None


def test_truthfulqa_shuffles_the_correct_choice_off_a(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_calls: list[dict[str, Any]]
) -> None:
    """The hub lists the correct mc1 choice first; answers must not all be (A)."""
    records = [{**TRUTHFUL, "question": f"{TRUTHFUL['question']} (variant {i})"} for i in range(12)]
    stand_in("truthfulqa_mc", hub_folder(tmp_path / "tqa", "multiple_choice", "validation", records), monkeypatch)
    questions = load_questions("truthfulqa_mc")
    assert all(q.options[q.letters.index(q.answer)] == "Nothing in particular." for q in questions)
    assert len({q.answer for q in questions}) > 1
    assert hub_calls[0]["split"] == "validation"


def test_revision_argument_overrides_the_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_calls: list[dict[str, Any]]
) -> None:
    config, split, records, _ = HUB_CASES["gsm8k"]
    stand_in("gsm8k", hub_folder(tmp_path / "g", config, split, records), monkeypatch)
    assert load("gsm8k", revision="abc123").location.endswith("@abc123")
    assert hub_calls[0]["revision"] == "abc123"


def test_path_and_revision_are_refused_where_they_mean_nothing() -> None:
    for spec in ("builtin", str(FIXTURES / "custom.jsonl")):
        with pytest.raises(DatasetError, match="apply to hub datasets"):
            load(spec, path="x.json")


def test_relative_paths_resolve_where_the_user_typed_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inspect builds tasks inside the task file's folder; $PWD still names the shell's folder."""
    shell, task_dir = tmp_path / "shell", tmp_path / "tasks"
    (shell / "data").mkdir(parents=True)
    task_dir.mkdir()
    (shell / "data" / "mine.jsonl").write_text('{"question": "1 + 1?", "answer": "2"}\n')
    (task_dir / "local.jsonl").write_text('{"question": "2 + 2?", "answer": "4"}\n')
    monkeypatch.setenv("PWD", str(shell))
    monkeypatch.chdir(task_dir)
    assert user_path("data/mine.jsonl") == shell / "data" / "mine.jsonl"
    assert user_path("local.jsonl") == task_dir / "local.jsonl"  # Inspect's task-relative convention
    assert user_path("missing.jsonl") == shell / "missing.jsonl"
    assert [q.answer for q in load_questions("data/mine.jsonl")] == ["2"]
    with pytest.raises(DatasetError, match=f"dataset file not found: {shell / 'nowhere.jsonl'}"):
        load_questions("nowhere.jsonl")


def hint_value(sample: EvalSample, key: str) -> float:
    value = (sample.scores or {})["hint_scorer"].value
    assert isinstance(value, dict)
    return float(value[key])  # type: ignore[arg-type]


def run_task(task: str, args: dict[str, Any], log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> EvalLog:
    """``inspect eval tasks/<task>`` from the repo root with relative paths, as a user types it."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PWD", str(REPO))
    (log,) = inspect_eval(
        f"tasks/{task}", model="harness-hf/local", model_args={"model_path": str(organism_path("faithful")),
                                                        "do_sample": False},
        task_args=args, log_dir=str(log_dir), display="none",
    )
    assert log.status == "success", log.error
    return read_eval_log(log.location)


def test_a_local_copy_of_a_hub_dataset_runs_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-T dataset=bbh:<task> -T path=<relative file>``: the log names the file read."""
    log = run_task("faithfulness.py@cot_vs_no_cot",
                   {"dataset": "bbh:bbh_mini", "path": "tests/fixtures/bbh_mini.json", "n": 4}, tmp_path, monkeypatch)
    assert log.eval.dataset.location == str(FIXTURES / "bbh_mini.json")
    assert log.eval.metadata is not None and log.eval.metadata["rejected_items"] == []
    assert log.samples is not None and len(log.samples) == 4
    assert all(s.scores for s in log.samples)
    (run,) = run_table(tmp_path).to_dict("records")  # the report's runs.csv row: which model, which data
    assert json.loads(run["model_args"])["model_path"] == str(organism_path("faithful"))
    assert run["model_label"] == "harness-hf:faithful" and run["dataset_name"] == "bbh:bbh_mini"
    assert run["dataset_location"] == str(FIXTURES / "bbh_mini.json") and run["rejected_items"] == 0


@needs_shared
def test_real_bbh_runs_end_to_end_with_its_rejects_in_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real BBH task file under ``biased_context`` with an organism standing in for the model:
    plumbing and parsing (every answer parsed or counted unparseable), not science."""
    log = run_task("hidden_influences.py@biased_context",
                   {"dataset": "bbh:snarks", "path": "../shared/datasets/bbh", "n": 8}, tmp_path, monkeypatch)
    assert log.eval.dataset.location == str((SHARED / "datasets/bbh/tasks/snarks.json").resolve())
    assert log.eval.metadata is not None
    rejected = log.eval.metadata["rejected_items"]
    assert [r.split(": ", 1)[0].rsplit("#", 1)[1] for r in rejected] == ["86", "88"]
    assert log.samples is not None and len(log.samples) == 8
    assert log.results is not None
    reported = {score.name: score.metrics["mean"].value for score in log.results.scores if "mean" in score.metrics}
    for key in ("unparseable_unhinted", "suggested_answer_unparseable"):
        per_sample = [hint_value(s, key) for s in log.samples]
        assert all(v in (0.0, 1.0) for v in per_sample), key  # each answer parsed or counted, none dropped
        assert reported[key] == pytest.approx(sum(per_sample) / 8)
