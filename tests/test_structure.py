"""The structure the code promises (cot_harness/__init__.py): stated layers that the imports obey,
private Inspect symbols in one module whose contract is checked against the installed Inspect, a
registry that holds every task with its descriptor, and task building without side effects."""

from __future__ import annotations

import ast
import hashlib
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

LAYERS = ["core", "loaders", "providers", "solvers", "scorers", "tasks", "reports", "organisms", "chatbots"]
# organisms and chatbots are the training tools: one floor, on top.
RANK = {**{layer: i for i, layer in enumerate(LAYERS[:7])}, "organisms": 7, "chatbots": 7}
GENERIC = set(LAYERS) | {"benchmarks"}
PRIVATE_SYMBOLS = "cot_harness/providers/inspect_private.py"
PACKAGE = REPO / "cot_harness"


def _modules() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (PACKAGE / layer).glob("*.py")) + sorted(PACKAGE.glob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_every_import_goes_down_the_stated_layers() -> None:
    upward, generic = [], []
    for path in _modules():
        layer = path.parent.name
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] in GENERIC:
                generic.append(f"{path.relative_to(REPO)}:{line} imports {module}")
            if parts[0] != "cot_harness" or len(parts) < 2 or parts[1] not in RANK or layer not in RANK:
                continue
            if module == "cot_harness.providers.inspect_private":
                continue  # imports nothing of the harness: every layer may read it
            if RANK[parts[1]] > RANK[layer]:
                upward.append(f"{path.relative_to(REPO)}:{line} ({layer}) imports {module}")
    assert not generic, "import through cot_harness.<layer>, never a bare top-level name:\n" + "\n".join(generic)
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def test_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    """The check above is not vacuous: core importing a solver is reported."""
    bad = tmp_path / "core" / "x.py"
    bad.parent.mkdir()
    bad.write_text("from cot_harness.solvers.forcing import Forced\n")
    [(_, module)] = _imports(bad)
    assert RANK[module.split(".")[1]] > RANK["core"]


def test_private_inspect_symbols_are_imported_in_one_module_only() -> None:
    offenders = [f"{p.relative_to(REPO)}:{line}" for p in _modules() for line, module in _imports(p)
                 if module.startswith("inspect_ai._") and str(p.relative_to(REPO)) != PRIVATE_SYMBOLS]
    assert not offenders, offenders
    text = "\n".join(p.read_text(encoding="utf-8") for p in _modules() if str(p.relative_to(REPO)) != PRIVATE_SYMBOLS)
    assert "inspect_ai._" not in text


def test_the_private_inspect_contract_holds() -> None:
    """On an Inspect upgrade this names what moved; the pinned release is the tested one."""
    import inspect_ai

    from cot_harness.providers import inspect_private as private

    assert inspect_ai.__version__ == private.TESTED_INSPECT, "Inspect is not the tested release: re-run this file"
    missing = [name for name in private.HF_BATCH_FUNCTIONS if not hasattr(private.inspect_hf, name)]
    assert not missing, f"Inspect's HF module lacks {missing} (providers/hf_batching.py, providers/hf.py use them)"
    source = inspect.getsource(private.HuggingFaceAPI.generate)
    assert hashlib.sha256(source.encode()).hexdigest() == private.HF_GENERATE_SHA256, (
        "HuggingFaceAPI.generate changed: bring HarnessHFAPI.generate (providers/hf.py) in line, then update the hash")
    for name in ("hf_chat", "max_connections", "model_family"):
        assert callable(getattr(private.HuggingFaceAPI, name, None)), name
    assert issubclass(private.PrerequisiteError, Exception) and callable(private.active_model)
    assert private.registered_model_info("no/such-model-registered") is None
    assert private.sample_active() is None  # outside a sample; inside, .sample.id and .epoch seed requests


def _registered_tasks() -> dict[str, Any]:
    from cot_harness.registry import TASK_MODULES

    return {name: fn for module in TASK_MODULES for name, fn in vars(module).items()
            if callable(fn) and getattr(fn, "__module__", "") == module.__name__
            and hasattr(fn, "__registry_info__") and fn.__registry_info__.type == "task"}


def test_every_registered_task_has_a_descriptor_and_back() -> None:
    from cot_harness.catalogue import descriptors

    tasks = _registered_tasks()
    assert len(tasks) >= 14
    assert set(tasks) == set(descriptors())
    assert [d.rank for d in descriptors().values()] == sorted(d.rank for d in descriptors().values())


def _inspect_state() -> dict[str, Any]:
    from cot_harness.providers.inspect_private import HuggingFaceAPI, inspect_hf

    return {**{f"hf.{k}": v for k, v in vars(inspect_hf).items()},
            **{f"HuggingFaceAPI.{k}": v for k, v in vars(HuggingFaceAPI).items()}}


def test_building_every_task_patches_nothing_and_needs_no_model() -> None:
    before = _inspect_state()
    for name, task_fn in _registered_tasks().items():
        task = task_fn()
        assert len(task.dataset) > 0, name
    assert _inspect_state() == before


@pytest.mark.parametrize("name", ["cot_vs_no_cot", "early_answering", "adding_mistakes", "paraphrasing",
                                  "filler_tokens", "cot_predictiveness", "biased_context", "hint_verbalization",
                                  "bias_influence", "self_identification", "k_examples_inference",
                                  "name_likelihood", "behaviour_probe", "declarative_knowledge"])
def test_every_task_runs_by_registry_name_on_mockllm(name: str, tmp_path: Path) -> None:
    """Control flow only (mockllm answers nothing useful): every task resolves as
    ``cot_harness/<task>``, runs two samples and finishes with every sample scored."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    def reply(*_: Any) -> ModelOutput:  # with usage: mockllm would otherwise fetch a tiktoken file
        output = ModelOutput.from_content("mockllm/model", "Step 1: think.\nSo the answer is (A).")
        output.usage = ModelUsage(input_tokens=10, output_tokens=8, total_tokens=18)
        return output

    model = get_model("mockllm/model", custom_outputs=reply, memoize=False)
    [log] = inspect_eval(f"cot_harness/{name}", model=model, limit=2, display="none", log_dir=str(tmp_path),
                         model_roles={"judge": model, "predictor": model, "perturber": model, "paraphraser": model})
    assert log.status == "success", log.error
    assert log.eval.task == f"cot_harness/{name}"
    assert log.results is not None and log.results.completed_samples == log.results.total_samples > 0


@pytest.mark.slow
def test_a_run_on_the_harness_provider_patches_nothing(tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval

    before = _inspect_state()
    [log] = inspect_eval("cot_harness/early_answering", model="organism/faithful", limit=2, display="none",
                         log_dir=str(tmp_path), task_args={"fast_path": False})
    assert log.status == "success"
    assert _inspect_state() == before


@pytest.mark.slow
def test_tasks_list_and_run_from_outside_the_checkout(tmp_path: Path) -> None:
    """``python -m cot_harness`` lists every task; ``inspect eval cot_harness/<task>`` runs from a
    directory that is not the repo (the entry point, not the working directory, finds it)."""
    listing = subprocess.run([sys.executable, "-m", "cot_harness"], cwd=tmp_path, capture_output=True, text=True,
                             check=True).stdout
    assert all(f"cot_harness/{name}" in listing for name in _registered_tasks())
    inspect_cli = Path(sys.executable).parent / "inspect"
    run = subprocess.run([str(inspect_cli), "eval", "cot_harness/cot_vs_no_cot", "--model", "organism/faithful",
                          "--limit", "3", "--log-dir", str(tmp_path / "logs"), "--display", "none"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    from inspect_ai.log import list_eval_logs, read_eval_log

    [info] = list_eval_logs(str(tmp_path / "logs"))
    log = read_eval_log(info.name, header_only=True)
    assert log.status == "success" and log.results and log.results.completed_samples == 3


def test_the_package_is_real_files_and_the_checkout_has_no_symlink() -> None:
    """Tools that follow files (mypy, pyright, an IDE, a structure drawer) see the package as it
    is imported, and a clone without symlinks (``git -c core.symlinks=false``) is the same clone."""
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    links = [line.split("\t", 1)[1] for line in listed.splitlines() if line.startswith("120000")]
    assert not links, links
    assert all((PACKAGE / layer / "__init__.py").is_file() for layer in LAYERS)
    import cot_harness.core.answers

    assert Path(cot_harness.core.answers.__file__).resolve() == PACKAGE / "core" / "answers.py"


def test_the_top_level_task_files_are_the_generated_entries() -> None:
    """``tasks/<file>.py`` at the top of the checkout (what ``inspect eval tasks/<file>.py`` loads)
    holds one entry per package task and nothing else: ``python -m cot_harness.tasks._entry tasks``."""
    from cot_harness.tasks._entry import entry_file_text, task_modules

    modules = task_modules()
    assert sorted(p.stem for p in (REPO / "tasks").glob("*.py")) == sorted(modules)
    for name in modules:
        assert (REPO / "tasks" / f"{name}.py").read_text(encoding="utf-8") == entry_file_text(name), \
            f"tasks/{name}.py is stale: python -m cot_harness.tasks._entry tasks"


def test_an_entry_file_task_has_the_package_tasks_options_and_refusals(tmp_path: Path) -> None:
    """Loaded by path as Inspect loads it, an entry task records every option with its default and
    refuses a bad one in the package task's words."""
    import importlib.util

    from cot_harness.core.errors import UserInputError
    from cot_harness.tasks import faithfulness

    spec = importlib.util.spec_from_file_location("faithfulness_entry", REPO / "tasks" / "faithfulness.py")
    assert spec is not None and spec.loader is not None
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    assert inspect.signature(entry.early_answering) == inspect.signature(faithfulness.early_answering)
    built = entry.early_answering(n=3)
    assert len(built.dataset) == 3 and built.metadata["descriptor"]["test"] == "early_answering"
    with pytest.raises(UserInputError, match="-T n=abc: must be a whole number"):
        entry.early_answering(n="abc")


def test_no_generic_module_is_importable_from_the_install(tmp_path: Path) -> None:
    """The install exposes one name, cot_harness: ``import reports`` outside the checkout fails."""
    code = ("import importlib.util, sys; sys.path = [p for p in sys.path if p not in ('', '.')];"
            f"print([m for m in {sorted(GENERIC)!r} if importlib.util.find_spec(m)])")
    found = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_a_record_that_does_not_match_its_model_fails_naming_the_field() -> None:
    """Solver → scorer contracts are pydantic models: an unknown field is refused when written,
    a missing one when read, each naming the sample and the field."""
    from inspect_ai.model import ModelName
    from inspect_ai.solver import TaskState
    from pydantic import ValidationError

    from cot_harness.solvers.records import CotVsNoCot

    state = TaskState(model=ModelName("mockllm/model"), sample_id="q7", epoch=1, input="q", messages=[])
    good: dict[str, Any] = {"cot_source": "text", "cot_answer": "A", "cot_outcome": "stated", "cot_rule": "answer_is",
            "no_cot_answer": None, "no_cot_outcome": "no_answer", "no_cot_rule": "none", "no_cot_text": ""}
    with pytest.raises(ValidationError, match="cot_answr"):
        CotVsNoCot(**{**good, "cot_answr": "A"})
    state.store.set("cot_vs_no_cot", {k: v for k, v in good.items() if k != "no_cot_rule"})
    with pytest.raises(ValueError, match=r"sample q7: the 'cot_vs_no_cot' record does not match CotVsNoCot \(no_cot_rule"):
        CotVsNoCot.read(state)
    CotVsNoCot(**good).write(state)
    assert CotVsNoCot.read(state).cot_answer == "A"
