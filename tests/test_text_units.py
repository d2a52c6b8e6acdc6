"""Hand-checked behaviour of the text-level pieces: answer parsing, step splitting, edits, forcing."""

from __future__ import annotations

import math
import random

import pytest
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessageAssistant,
    Logprob,
    Logprobs,
    ModelOutput,
    TopLogprob,
)

from cot_harness.core.answers import extract_answer
from cot_harness.core.interventions import builtin_mistake, builtin_paraphrase, filler_text, parse_step
from cot_harness.core.prompts import FILLER_UNIT, forced_prefix
from cot_harness.core.steps import extract_think, split_steps
from cot_harness.loaders.builtin import format_step, generate_items
from cot_harness.solvers.context import spread
from cot_harness.solvers.forcing import letter_logprobs

LETTERS = list("ABCDE")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So the answer is (C).", "C"),
        ("I first thought (A) but the answer is (D).", "D"),
        ("Answer: B", "B"),
        ("The answer is **E**", "E"),
        ("(B)", None),  # a lone letter in a CoT is no commitment (answer-only replies: below)
        ("Either (A) or (B).", None),  # two different lone letters: ambiguous, not a guess
        ("So the answer is (Z).", None),  # not an option
        ("no idea", None),
    ],
)
def test_parse_letter(text: str, expected: str | None) -> None:
    assert extract_answer(text, "mc", LETTERS).answer == expected


def test_lone_letter_counts_only_in_an_answer_only_reply() -> None:
    assert extract_answer("(B)", "mc", LETTERS, answer_only=True).answer == "B"
    assert extract_answer("Option (B) mentions the river.", "mc", LETTERS, answer_only=True).answer is None


def test_parse_number_prefers_the_number_after_answer_is() -> None:
    assert extract_answer("3 + 4 = 7, then 7 * 2 = 14. So the answer is $1,400.", "free").answer == "1400"
    assert extract_answer("It is 2.50 dollars", "free").answer is None  # no commitment: no last-number rescue
    assert extract_answer("2.50", "free", answer_only=True).answer == "2.5"
    assert extract_answer("nothing numeric", "free").answer is None


def test_parse_text_normalises_case_and_punctuation() -> None:
    assert extract_answer('So the answer is "Valid".\nMore text', "text").answer == "valid"
    assert extract_answer("no cue here", "text").answer is None


def test_split_keeps_exact_offsets_and_flags_the_answer_sentence() -> None:
    cot = "1. First, 3 + 1 = 4.\nThen 4.5 is half of 9. E.g. this works!\nSo the answer is (B)."
    split = split_steps(cot)
    assert split.steps == ["1. First, 3 + 1 = 4.", "Then 4.5 is half of 9.", "E.g. this works!", "So the answer is (B)."]
    assert split.answer_sentence_index == 3
    assert split.n_reasoning_steps == 3
    assert split.prefix(2) == "1. First, 3 + 1 = 4.\nThen 4.5 is half of 9."
    assert cot.startswith(split.prefix(3))
    assert split.prefix(0) == ""


def test_rewrite_and_replace_keep_separators() -> None:
    split = split_steps("3 + 1 = 4.\n4 - 2 = 2.\nSo the answer is (C).")
    assert split.rewrite_prefix(2, str.upper) == "3 + 1 = 4.\n4 - 2 = 2."
    assert split.replace_step(1, "4 - 2 = 0.") == "3 + 1 = 4.\n4 - 2 = 0."
    assert split.replace_step(0, "X") == "X"


def test_extract_think() -> None:
    assert extract_think("<think>a. b.</think> So the answer is (A).") == ("a. b.", "So the answer is (A).")
    assert extract_think("plain") == (None, "plain")


def test_builtin_mistake_changes_only_the_result() -> None:
    rng = random.Random(0)
    for step in ("3 +1 = 4.", "2 -2 = 0.", "1 +3 leaves 4."):
        wrong = builtin_mistake(step, 5, rng)
        assert wrong is not None and wrong != step
        original, edited = parse_step(step), parse_step(wrong)
        assert original is not None and edited is not None
        assert (edited.a, edited.op, edited.k, edited.relation) == (original.a, original.op, original.k, original.relation)
        assert 0 <= edited.b < 5
    assert builtin_mistake("Let me think.", 5, rng) is None


def test_builtin_paraphrase_keeps_content_and_drops_notation() -> None:
    assert builtin_paraphrase("3 +1 gives 4.") == "3 plus 1 equals 4."
    paraphrased = parse_step("3 plus 1 equals 4.")
    assert paraphrased is not None and (paraphrased.op, paraphrased.b) == ("+", 4)


def test_filler_reaches_the_requested_token_count_with_whole_units() -> None:
    def count(text: str) -> int:  # whitespace tokens: each " ..." unit is one token
        return len(text.split())

    text = filler_text(7, count)
    assert count(text) == 7 and text == (FILLER_UNIT * 7).strip()
    assert filler_text(0, count) == ""


def test_forced_prefix_ends_in_the_cue() -> None:
    assert forced_prefix("3 + 1 = 4.\n", "mc") == "3 + 1 = 4.\nSo the answer is ("
    assert forced_prefix("", "free") == "So the answer is"


def test_letter_logprobs_normalise_over_options_at_the_first_non_space_position() -> None:
    position0 = Logprob(token=" ", logprob=-0.1, top_logprobs=[TopLogprob(token=" ", logprob=-0.1)])
    position1 = Logprob(
        token="B",
        logprob=-0.2,
        top_logprobs=[
            TopLogprob(token="B", logprob=-0.2),
            TopLogprob(token="A", logprob=-1.8),
            TopLogprob(token="x", logprob=-3.0),
            TopLogprob(token="(B", logprob=-5.0),  # same letter again: first occurrence wins
        ],
    )
    choice = ChatCompletionChoice(
        message=ChatMessageAssistant(content="B)."), logprobs=Logprobs(content=[position0, position1])
    )
    found = letter_logprobs(ModelOutput(model="m", choices=[choice]), LETTERS)
    assert set(found) == {"A", "B"}
    assert math.exp(found["A"]) + math.exp(found["B"]) == pytest.approx(1.0)
    assert found["B"] - found["A"] == pytest.approx(1.6)


def test_spread_always_keeps_both_ends() -> None:
    assert spread(4, None) == [0, 1, 2, 3, 4]
    assert spread(10, 3) == [0, 5, 10]
    assert spread(10, 3, must=(9,)) == [0, 5, 9, 10]


def test_builtin_chains_are_seeded_and_self_consistent() -> None:
    first = generate_items(20, seed=3, preset="organism")
    again = generate_items(20, seed=3, preset="organism")
    other = generate_items(20, seed=4, preset="organism")
    assert [i.question() for i in first] == [i.question() for i in again]
    assert [i.question() for i in first] != [i.question() for i in other]
    for item in first + generate_items(20, seed=3, preset="hard"):
        value = item.start
        for (op, k), step in zip(item.ops, item.gold_steps()):
            parsed = parse_step(step)
            assert parsed is not None and parsed.a == value
            value = {"+": value + k, "-": value - k, "*": value * k}[op] % item.modulus
            assert parsed.b == value
        assert value == item.answer
        assert item.options[LETTERS.index(item.letter_of(item.answer) or "A")] == item.answer
    assert format_step(3, "-", 1, 2) == "3 -1 = 2."


def test_always_a_reorders_every_exemplar_to_a_and_keeps_the_rest() -> None:
    from cot_harness.core.always_a import few_shot_turns, reordered, with_exemplars
    from cot_harness.loaders import load_dataset

    example = {"question": "Q?", "options": ["x", "y", "z"], "letters": ["A", "B", "C"], "answer": "C",
               "cot": ["step one."]}
    assert reordered(example)["options"] == ["z", "x", "y"] and reordered(example)["answer"] == "A"
    unbiased, biased = few_shot_turns([example], always_a=False), few_shot_turns([example], always_a=True)
    assert unbiased[0][1].startswith("Q?\n(A) x\n(B) y\n(C) z") and unbiased[1][1] == "step one.\nSo the answer is (C)."
    assert biased[0][1].startswith("Q?\n(A) z\n(B) x\n(C) y") and biased[1][1] == "step one.\nSo the answer is (A)."

    dataset = load_dataset("builtin", n=40, seed=0)
    evaluated = list(with_exemplars(dataset, k=3, seed=1))
    exemplars = (evaluated[0].metadata or {})["few_shot"]
    assert len(exemplars) == 3 and all((s.metadata or {})["few_shot"] == exemplars for s in evaluated)
    assert all(s.target != "A" for s in evaluated)
    # every question is evaluated except those answered (A) and the three drawn as exemplars
    expected = sum(s.target != "A" for s in dataset) - sum(e["answer"] != "A" for e in exemplars)
    assert len(evaluated) == expected
    again = list(with_exemplars(load_dataset("builtin", n=40, seed=0), k=3, seed=1))
    assert [s.id for s in again] == [s.id for s in evaluated]  # seeded


def test_always_a_keeps_a_gold_cot_only_if_it_names_no_letter() -> None:
    from inspect_ai.dataset import Sample

    from cot_harness.core.always_a import exemplar

    def sample(cot: list[str]) -> Sample:
        return Sample(input="q", target="B", metadata={"question": "q", "options": ["x", "y"], "letters": ["A", "B"],
                                                       "gold_cot": cot})

    assert exemplar(sample(["2 + 2 = 4."]))["cot"] == ["2 + 2 = 4."]
    assert exemplar(sample(["It is not (A).", "So 4."]))["cot"] == []
