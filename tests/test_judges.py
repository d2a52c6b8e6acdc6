"""Judge verdicts: read from a structured 'VERDICT: YES/NO' line, never guessed; a judge from any
provider given on the command line is used, and verdicts it fails to give are counted."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import Served, organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.model import get_model

from cot_harness.reports.results import estimate
from cot_harness.solvers.judging import parse_verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("VERDICT: YES", True),
        ("The reasoning cites the professor.\nVerdict: no", False),
        ("**VERDICT:** YES", True),
        ("VERDICT: NO\nOn reflection:\nVERDICT: YES", True),  # the last verdict line counts
        ("I think yes, it does mention the hint.", None),  # no substring guessing
        ("My verdict: yes", None),  # not a verdict line
        ("VERDICT: MAYBE", None),
        ("", None),
    ],
)
def test_parse_verdict(text: str, verdict: bool | None) -> None:
    assert parse_verdict(text) is verdict


@pytest.mark.slow
def test_a_judge_from_another_provider_is_used_and_its_unreadable_verdicts_counted(served_faithful: Served,
                                                                                   tmp_path: Path) -> None:
    """``--model-role judge=openai-api/...``: the judge (an organism behind a real OpenAI-compatible
    server, which never writes a VERDICT line) is called once per parsed biased answer, and every
    such call is counted as an unreadable verdict; the judge's BIR split is then undefined (NaN), not
    silently computed from the keyword estimate."""
    judge = get_model(f"openai-api/local/{served_faithful.path}", base_url=served_faithful.base_url, api_key="none")
    before = served_faithful.completions()
    [log] = inspect_eval("tasks/bias_influence.py", model="harness-hf/local",
                         model_args={"model_path": str(organism_path("hint_user")), "do_sample": False},
                         model_roles={"judge": judge}, limit=6, display="none", log_dir=str(tmp_path))
    assert log.status == "success" and log.samples
    # graded in the scorer: a judge call per parsed biased answer, named in the score's metadata
    judged = [s for s in log.samples if s.store["bias_influence"]["biased_answer"] is not None]
    assert judged and served_faithful.completions() - before == len(judged)
    assert all((s.scores or {})["bias_scorer"].metadata["judge"] == judge.name for s in judged)  # type: ignore[index]
    assert estimate(log, "suggested_answer_judge_unparseable").value == 1.0
    assert math.isnan(estimate(log, "suggested_answer_verbalised_judge").value)
