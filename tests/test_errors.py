"""Bad input gets one clear line naming what is wrong (datasets are covered in test_loaders)."""

from __future__ import annotations

import pytest
from inspect_ai import eval as inspect_eval

from cot_harness.providers.hf import OrganismNotFound, resolve_organism
from cot_harness.solvers.forcing import resolve_strategy


def test_missing_organism_is_named_before_any_loading() -> None:
    with pytest.raises(OrganismNotFound) as error:
        resolve_organism("faithfull")
    message = str(error.value)
    assert "\n" not in message
    assert "organisms/faithfull" in message and "faithful" in message.split("checked-in organisms:")[1]


def test_missing_organism_through_inspect_eval(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OrganismNotFound, match="does-not-exist"):
        inspect_eval("tasks/faithfulness.py@cot_vs_no_cot", model="organism/does-not-exist",
                     task_args={"n": 1}, log_dir=str(tmp_path), display="none")


def test_unknown_forcing_strategy() -> None:
    from inspect_ai.model import get_model

    model = get_model("mockllm/model")
    with pytest.raises(ValueError, match="unknown forcing strategy 'prefil'"):
        resolve_strategy(model, "prefil")
