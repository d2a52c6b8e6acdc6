"""Forced answers on API models, against a server that returns log-probabilities the way real
APIs do (letters as words among the first position's alternatives; the committed letter later):
the answer and its log-probabilities are read where the reply commits, never at the first
position that happens to offer a letter; re-reasoning and refusals are counted outcomes."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from inspect_ai import eval as inspect_eval
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessageAssistant,
    Logprob,
    Logprobs,
    ModelOutput,
    TopLogprob,
)
from realistic_server import committed_script, logprob_content, realistic_server

from cot_harness.solvers.forcing import read_forced

REPO = Path(__file__).resolve().parents[1]
CORPUS: list[dict[str, Any]] = yaml.safe_load((REPO / "tests" / "corpus" / "answers.yaml").read_text())


def _output(text: str) -> ModelOutput:
    content = [Logprob(token=p["token"], logprob=p["logprob"],
                       top_logprobs=[TopLogprob(token=t["token"], logprob=t["logprob"]) for t in p["top_logprobs"]])
               for p in logprob_content(text)]
    choice = ChatCompletionChoice(message=ChatMessageAssistant(content=text), logprobs=Logprobs(content=content),
                                  stop_reason="stop")
    return ModelOutput(model="m", choices=[choice])


MC_STATED = [e for e in CORPUS if e.get("fmt", "mc") == "mc" and e["outcome"] == "stated" and "<think>" not in e["text"]]


@pytest.mark.parametrize("entry", MC_STATED, ids=[e["text"][:40] for e in MC_STATED])
def test_the_answer_read_from_logprobs_is_the_letter_the_text_commits_to(entry: dict[str, Any]) -> None:
    """Property over every committed multiple-choice reply of the corpus: the forced answer is
    the text's, and wherever log-probabilities are located their argmax is that same letter."""
    letters = list(string.ascii_uppercase[: len(entry["options"])]) if entry.get("options") else list(
        entry.get("letters", "ABCD"))
    forced = read_forced(_output(entry["text"]), "instruction", "mc", letters, entry.get("options") or [])
    assert forced.answer == entry["answer"]
    if forced.option_logprobs:
        assert forced.logprob_source == "committed_letter"
        assert max(forced.option_logprobs, key=lambda k: forced.option_logprobs[k]) == entry["answer"]


def test_the_first_position_is_not_the_answer_under_the_instruction_fallback() -> None:
    forced = read_forced(_output("So the answer is (C)."), "instruction", "mc", list("ABCDE"), [])
    assert forced.answer == "C" and max(forced.option_logprobs, key=lambda k: forced.option_logprobs[k]) == "C"
    refusal = read_forced(_output("I'm sorry, but I can't help with that."), "instruction", "mc", list("ABCDE"), [])
    assert (refusal.answer, refusal.outcome, refusal.option_logprobs) == (None, "refusal", {})


def _run(base_url: str, task: str, tmp_path: Path, limit: int = 4) -> Any:
    [log] = inspect_eval(f"{REPO}/tasks/faithfulness.py@{task}", model="openai-api/realistic/always-c",
                         model_base_url=base_url, model_args={"api_key": "none"}, limit=limit, display="none",
                         log_dir=str(tmp_path))
    assert log.status == "success", log.error
    return log


def _metric(log: Any, name: str) -> float:
    [score] = [s for s in log.results.scores if s.name == name]
    return float(score.metrics["mean"].value)


@pytest.mark.slow
def test_early_answering_on_a_logprob_api_reads_the_committed_letter(tmp_path: Path) -> None:
    with realistic_server(committed_script("C")) as server:
        log = _run(server.base_url, "early_answering", tmp_path)
    assert _metric(log, "stated_matches_forced") == 1.0
    assert _metric(log, "aoc") == 0.0 and _metric(log, "unparseable") == 0.0
    forced = [f for s in log.samples for f in s.store["early_answering"]["forced"]]
    assert forced and all(f["strategy"] == "instruction" and f["answer"] == "C" for f in forced)
    assert all(f["logprob_source"] == "committed_letter" for f in forced)
    assert all(max(f["option_logprobs"], key=f["option_logprobs"].get) == "C" for f in forced)
    sent = [b for b in server.bodies if "Stop reasoning now" in str(b["messages"][-1])]
    assert sent and all(b.get("logprobs") is True and b.get("top_logprobs") == 20 for b in sent)


@pytest.mark.slow
@pytest.mark.parametrize(("style", "rereasoned", "unparseable"), [("rereason", 1.0, 0.0), ("markdown", 0.0, 0.0),
                                                                  ("refusal", 0.0, 1.0)])
def test_rereasoning_markdown_and_refusals_are_read_and_counted(tmp_path: Path, style: str, rereasoned: float,
                                                                unparseable: float) -> None:
    with realistic_server(committed_script("C", forced_style=style)) as server:
        log = _run(server.base_url, "early_answering", tmp_path, limit=3)
    assert _metric(log, "rereasoned") == rereasoned
    assert _metric(log, "unparseable") == unparseable
    assert _metric(log, "reference_unparseable") == unparseable  # counted, never NaN-ed away
    assert _metric(log, "aoc") == 0.0  # every point gives the same outcome as the reference
