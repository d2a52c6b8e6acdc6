"""A local HF model is loaded once per run: Inspect's model-info lookup must not reload it."""

from __future__ import annotations

from typing import Any

import pytest
import transformers
from conftest import REPO, organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.model._model_info import clear_model_info_cache


@pytest.mark.parametrize("task", ["faithfulness.py@cot_vs_no_cot", "abduction.py@declarative_knowledge"])
def test_hf_weights_load_once_per_run(task: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clear_model_info_cache()  # lookups are memoised per process: start each case cold
    loads: list[str] = []
    original = transformers.AutoModelForCausalLM.from_pretrained.__func__  # type: ignore[attr-defined]

    def counted(cls: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        loads.append(str(name))
        return original(cls, name, *args, **kwargs)

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", classmethod(counted))
    path = str(organism_path("faithful" if "faithfulness" in task else "chatbase"))
    log = inspect_eval(str(REPO / "tasks" / task), model="hf/local", model_args={"model_path": path, "do_sample": False},
                       limit=1, display="none", log_dir=str(tmp_path))[0]
    assert log.status == "success"
    # Without the registration Inspect's event mapping calls from_pretrained("local") as well.
    # The run's own load may be absent: Inspect reuses a model an earlier test loaded.
    assert set(loads) <= {path}, loads


def test_tasks_build_outside_an_eval() -> None:
    """Building a Task in plain Python (no active model) must not need a model."""
    from inspect_ai.solver import generate

    from scorers.faithfulness import cot_vs_no_cot_scorer
    from solvers.suite import suite_task

    task = suite_task("faithfulness", "cot_vs_no_cot", "builtin", 3, 0, 64, generate(), cot_vs_no_cot_scorer())
    assert len(task.dataset) == 3
