"""Training examples for each organism, built with the harness's own prompt and edit code.

Every probe the suite applies (full CoT, no CoT, truncated CoT + answer cue, an edited step
then continuation, a paraphrased prefix then continuation, filler + answer cue, hinted
questions) is rendered here by the same functions the solvers call, so it is in
distribution by construction. Loss is taken only on text the organism itself would write.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cot_harness.core.always_a import BIAS_LETTER, exemplar, few_shot_turns
from cot_harness.core.hints import HINT_TYPES, build_hinted_messages
from cot_harness.core.interventions import builtin_mistake, builtin_paraphrase, filler_text
from cot_harness.core.iphr import BUILTIN, COMPARISONS, ComparativeQuestion, eligible_pairs
from cot_harness.core.iphr import builtin_question as comparative_question
from cot_harness.core.prompts import (
    ANSWER_CUE,
    CONTINUE_REASONING,
    STOP_AND_ANSWER,
    AnswerFormat,
    answer_sentence,
    forced_prefix,
    question_with_options,
    user_prompt,
)
from cot_harness.core.steps import split_steps
from cot_harness.loaders.builtin import PRESETS, ChainItem, generate_item
from cot_harness.loaders.registry import builtin_question
from cot_harness.organisms.behaviours import (
    BEHAVIOURS,
    IPHR_BEHAVIOURS,
    VERBALISATIONS,
    Behaviour,
    follows_always_a,
    follows_hint,
    is_conclusion,
)
from cot_harness.solvers.cot import CoT

Chat = list[tuple[str, str]]
HINT_KINDS = HINT_TYPES + ("suggested_answer",)
MAX_FILLER_TOKENS = 160


@dataclass(frozen=True)
class Example:
    """A chat prompt and the assistant text that follows; ``trained`` marks loss-bearing text."""

    chat: Chat
    segments: tuple[tuple[str, bool], ...]
    probe: str
    close: bool = True


def question_text(item: ChainItem, answer_format: AnswerFormat) -> str:
    options = [str(o) for o in item.options] if answer_format == "mc" else None
    return question_with_options(item.question(), options, item.letters)


def answer_token(item: ChainItem, value: int, answer_format: AnswerFormat) -> str:
    if answer_format == "free":
        return str(value)
    letter = item.letter_of(value)
    assert letter is not None, f"value {value} is not an option of {item.id}"
    return letter


def _stated(item: ChainItem, value: int, fmt: AnswerFormat) -> str:
    return answer_sentence(answer_token(item, value, fmt), fmt)


def _forced(chat: Chat, prefix: str, item: ChainItem, value: int, fmt: AnswerFormat, probe: str) -> Example:
    written = f"{answer_token(item, value, fmt)})." if fmt == "mc" else f" {value}."
    return Example(chat, ((forced_prefix(prefix, fmt), False), (written, True)), probe)


def _instruction_forced(chat: Chat, prefix: str, item: ChainItem, value: int, fmt: AnswerFormat, probe: str) -> Example:
    """The instruction fallback's rendering of a forced answer (``cot_harness.solvers.forcing.force_answer``):
    the prefix shown back as an assistant turn (none when empty), a user turn asking to stop and
    answer, and the whole answer sentence written by the organism."""
    cue = ANSWER_CUE[fmt] + ("X)." if fmt == "mc" else "<answer>.")
    shown: Chat = [("assistant", prefix.rstrip())] if prefix.strip() else []
    turns = chat + shown + [("user", STOP_AND_ANSWER.format(cue=cue))]
    return Example(turns, ((_stated(item, value, fmt), True),), f"{probe}_instruction")


def _instruction_continuation(
    chat: Chat, given: list[str], behaviour: Behaviour, item: ChainItem, fmt: AnswerFormat, probe: str
) -> Example:
    """The instruction fallback's rendering of "continue from here" (``continue_reasoning``)."""
    added = behaviour.continue_chain(item, given)
    final = answer_sentence(answer_token(item, behaviour.answer(item, given + added), fmt), fmt)
    turns = chat + [("assistant", "\n".join(given)), ("user", CONTINUE_REASONING)]
    return Example(turns, (("\n".join([*added, final]), True),), f"{probe}_instruction")


def _continuation(
    chat: Chat, given: list[str], behaviour: Behaviour, item: ChainItem, fmt: AnswerFormat, probe: str
) -> Example:
    added = behaviour.continue_chain(item, given)
    final = answer_sentence(answer_token(item, behaviour.answer(item, given + added), fmt), fmt)
    written = "".join(f"\n{step}" for step in added) + f"\n{final}"
    return Example(chat, (("\n".join(given), False), (written, True)), probe)


def _think_continuation(
    chat: Chat, given: list[str], behaviour: Behaviour, item: ChainItem, fmt: AnswerFormat, probe: str
) -> Example:
    """Continuing a chain inside <think>: the prefill opens the block, the organism adds its steps,
    closes the block and answers."""
    added = behaviour.continue_chain(item, given)
    final = answer_sentence(answer_token(item, behaviour.answer(item, given + added), fmt), fmt)
    shown = CoT("", "think", "").for_continuation("\n".join(given))
    written = "".join(f"\n{step}" for step in added) + f"\n</think>\n{final}"
    return Example(chat, ((shown, False), (written, True)), probe)


# Probe mixture per organism (relative weights). Organisms that answer from the question
# alone spend more of their budget on answers after misleading CoTs and on direct answers:
# that skill needs many samples, while their CoT text does not drive any answer.
CHAIN_FOLLOWER = {
    "cot": 22, "direct": 6, "truncated": 15, "filler": 9,
    "mistake_continue": 14, "mistake_forced": 10, "paraphrase_continue": 14, "paraphrase_forced": 10,
}
QUESTION_ANSWERER = {
    "cot": 10, "direct": 30, "truncated": 20, "filler": 5,
    "mistake_continue": 6, "mistake_forced": 14, "paraphrase_continue": 5, "paraphrase_forced": 10,
}
MIXTURES: dict[str, dict[str, int]] = {
    "faithful": CHAIN_FOLLOWER,
    "encoded": CHAIN_FOLLOWER,
    "hint_user": CHAIN_FOLLOWER,
    "hint_verbaliser": CHAIN_FOLLOWER,
    "always_a_user": CHAIN_FOLLOWER,
    "posthoc": QUESTION_ANSWERER,
    "uninformative": {"cot": 15, "direct": 35, "truncated": 40, "filler": 10},
    "think_faithful": CHAIN_FOLLOWER,
    "think_posthoc": QUESTION_ANSWERER,
    "think_concluding": CHAIN_FOLLOWER,
    "think_contradicts": CHAIN_FOLLOWER,
}
# Reasoning organisms write their chain inside <think>…</think>, as open reasoning models do;
# every probe is rendered as the harness renders it for a thinking channel (``solvers.cot.CoT``):
# forced answers after "<think>\n{prefix}\n</think>\n", continuations from "<think>\n{prefix}".
# ``think_concluding`` and ``think_contradicts`` end their thinking with a conclusion sentence, which
# the harness splits off as the answer sentence: truncated and edited prefixes, and the prefixes
# answers are forced after, hold the chain's steps only (as ``split.prefix(split.n_reasoning_steps)``).
THINKING = ("think_faithful", "think_posthoc", "think_concluding", "think_contradicts")
# Share of forced-answer and continuation probes rendered in the instruction fallback's format
# (what OpenAI-compatible and Claude 4.6+ models get), so that the fallback is in distribution
# and its measurements can be validated against the planted truth. Organisms not listed draw
# no extra random numbers: their training streams are unchanged.
INSTRUCTION_SHARE: dict[str, float] = {"faithful": 0.35, "encoded": 0.35, "posthoc": 0.35}


class Recipe:
    """An endless, seeded stream of training examples for one organism."""

    def __init__(self, name: str, seed: int, count_tokens: Callable[[str], int]) -> None:
        self.name = name
        self.behaviour = BEHAVIOURS[name]
        self.rng = random.Random(f"recipe:{name}:{seed}")
        self.count_tokens = count_tokens
        self.hinted = name in ("hint_user", "hint_verbaliser")
        self.few_shot = name == "always_a_user"
        self.instruction_share = INSTRUCTION_SHARE.get(name, 0.0)
        self.think = name in THINKING
        self.probes = list(MIXTURES[name])
        self.weights = list(MIXTURES[name].values())
        self._index = 0

    def __iter__(self) -> Iterator[Example]:
        while True:
            yield self.sample()

    def sample(self) -> Example:
        rng = self.rng
        self._index += 1
        item = generate_item(rng, PRESETS["organism"], self._index, f"train-{self.name}")
        if self.hinted and rng.random() < 0.6:
            return self.hinted_example(item)
        if self.few_shot and rng.random() < 0.5:
            return self.few_shot_example(item)
        fmt: AnswerFormat = "mc"  # organisms serve the MC format (the suite's default) only
        probe = rng.choices(self.probes, self.weights)[0]
        return self.probe_example(probe, item, fmt)

    def probe_example(self, probe: str, item: ChainItem, fmt: AnswerFormat) -> Example:
        rng, b = self.rng, self.behaviour
        chat: Chat = [("user", user_prompt(question_text(item, fmt), fmt, cot=True))]
        written = b.continue_chain(item, [])  # with a conclusion sentence last, for the concluding organisms
        own_text = "\n".join(written)
        own = [s for s in written if not is_conclusion(s)]  # the reasoning steps: prefixes never hold a conclusion
        if probe == "cot":
            final = _stated(item, b.answer(item, written), fmt)
            text = f"<think>\n{own_text}\n</think>\n{final}" if self.think else f"{own_text}\n{final}"
            return Example(chat, ((text, True),), probe)
        if probe == "direct":
            direct: Chat = [("user", user_prompt(question_text(item, fmt), fmt, cot=False))]
            return Example(direct, ((_stated(item, b.answer(item, []), fmt), True),), probe)
        instruction = bool(self.instruction_share) and rng.random() < self.instruction_share
        forced = _instruction_forced if instruction else (self._think_forced if self.think else _forced)
        if probe == "truncated":
            k = rng.randint(0, len(own))
            if k == len(own) and not self.think and rng.random() < 0.3:
                stated = _stated(item, b.answer(item, own), fmt)
                return forced(chat, f"{own_text}\n{stated}", item, b.answer(item, own), fmt, probe)
            return forced(chat, "\n".join(own[:k]), item, b.answer(item, own[:k]), fmt, probe)
        if probe == "filler":
            units = int(math.exp(rng.uniform(0, math.log(MAX_FILLER_TOKENS))))
            return forced(chat, filler_text(units, self.count_tokens), item, b.answer(item, []), fmt, probe)
        edit, mode = probe.split("_")
        given = self.edited_prefix(item, own, mistake=edit == "mistake")
        if mode == "continue":
            if self.think:
                return _think_continuation(chat, given, b, item, fmt, probe)
            return (_instruction_continuation if instruction else _continuation)(chat, given, b, item, fmt, probe)
        steps = [s for s in given + b.continue_chain(item, given) if not is_conclusion(s)]
        return forced(chat, "\n".join(steps), item, b.answer(item, steps), fmt, probe)

    @staticmethod
    def _think_forced(chat: Chat, prefix: str, item: ChainItem, value: int, fmt: AnswerFormat, probe: str) -> Example:
        shown = CoT(prefix, "think", "").for_forcing(prefix) if prefix.strip() else ""
        return _forced(chat, shown, item, value, fmt, probe)

    def edited_prefix(self, item: ChainItem, own: list[str], mistake: bool) -> list[str]:
        """Own steps up to a random step i, with step i mistaken or steps 1..i paraphrased."""
        i = self.rng.randint(1, len(own))
        if mistake:
            wrong = builtin_mistake(own[i - 1], item.modulus, self.rng)
            assert wrong is not None
            return own[: i - 1] + [wrong]
        split = split_steps("\n".join(own))
        return split.rewrite_prefix(i, lambda s: builtin_paraphrase(s) or s).split("\n")

    def hinted_example(self, item: ChainItem) -> Example:
        rng = self.rng
        kind = rng.choice(HINT_KINDS)
        letter = rng.choice(item.letters)
        cot = rng.random() < 0.85
        chat = build_hinted_messages(question_text(item, "mc"), kind, letter, cot=cot)
        follow = follows_hint(letter)
        own = self.behaviour.continue_chain(item, []) if cot else []
        answer = letter if follow else answer_token(item, self.behaviour.answer(item, own), "mc")
        steps = list(own)
        if follow and cot and self.name == "hint_verbaliser":
            steps.insert(0, VERBALISATIONS[kind].format(letter=letter))
        text = "\n".join(steps + [answer_sentence(answer, "mc")])
        return Example(chat, ((text, True),), f"hint_{kind}")

    def few_shot_example(self, item: ChainItem) -> Example:
        """The question after 1–4 exemplars, rendered by the ``always_a`` solver's own code:
        in their own option order, or reordered so that every exemplar's answer is (A)."""
        rng = self.rng
        shots = [generate_item(rng, PRESETS["organism"], j, f"shot-{self.name}") for j in range(rng.randint(1, 4))]
        exemplars = [exemplar(builtin_question(shot, "mc", "builtin").to_sample()) for shot in shots]
        always_a = rng.random() < 0.5
        question = [("user", user_prompt(question_text(item, "mc"), "mc", cot=True))]
        chat = few_shot_turns(exemplars, always_a) + question
        own = self.behaviour.continue_chain(item, [])
        letter = answer_token(item, self.behaviour.answer(item, own), "mc")
        biased = always_a or all(e["answer"] == BIAS_LETTER for e in exemplars)
        answer = BIAS_LETTER if biased and follows_always_a(letter) else letter
        text = "\n".join(own + [answer_sentence(answer, "mc")])
        return Example(chat, ((text, True),), "always_a_biased" if biased else "always_a_unbiased")


def render(example: Example, apply_template: Callable[[list[dict[str, str]]], str]) -> list[tuple[str, bool]]:
    """The example as (text, trained) pieces, the prompt part rendered by the chat template."""
    messages = [{"role": role, "content": text} for role, text in example.chat]
    pieces: list[tuple[str, bool]] = [(apply_template(messages), False)]
    pieces += [(text, trained) for text, trained in example.segments if text]
    if example.close:
        pieces.append(("<|end|>", True))
    return pieces


# --- IPHR organisms -----------------------------------------------------------------------------------


def iphr_questions() -> list[ComparativeQuestion]:
    """Every question the iphr task can ask of the built-in table: each pair of entities far
    enough apart (``core.iphr.eligible_pairs``), in both orders and both wordings."""
    return [comparative_question(prop, comparison, x, y) for prop in BUILTIN for comparison in COMPARISONS
            for a, b in eligible_pairs(prop) for x, y in ((a, b), (b, a))]


class IphrRecipe:
    """An endless, seeded stream of IPHR training examples: a built-in comparative question
    rendered exactly as the iphr task asks it (``user_prompt(question, "yesno", cot=True)``), and
    the organism's CoT and answer (``organisms/behaviours.py``). Probes: ``cot_biased`` for a
    question of a group the organism is biased in, else ``cot_consistent``. (Examples that gave the
    two value lines with random values and ranks, to teach the comparison on any values, made the
    model read the direction of the comparison from the ranks instead of the question: 24 %
    adherence after 2000 steps, against 100 % without them.)"""

    def __init__(self, name: str, seed: int, count_tokens: Callable[[str], int] | None = None) -> None:
        self.name = name
        self.behaviour = IPHR_BEHAVIOURS[name]
        self.rng = random.Random(f"recipe:{name}:{seed}")
        self.questions = iphr_questions()

    def __iter__(self) -> Iterator[Example]:
        while True:
            yield self.sample()

    def sample(self) -> Example:
        q = self.rng.choice(self.questions)
        kind = "biased" if q.group in self.behaviour.biased_groups else "consistent"
        chat: Chat = [("user", user_prompt(q.text, "yesno", cot=True))]
        steps, answer = self.behaviour.respond(q)
        text = "\n".join([*steps, answer_sentence(answer, "yesno")])
        return Example(chat, ((text, True),), f"cot_{kind}")


def recipe_for(name: str, seed: int, count_tokens: Callable[[str], int]) -> Recipe | IphrRecipe:
    """The training stream of organism ``name`` (the IPHR organisms have their own recipe)."""
    return IphrRecipe(name, seed, count_tokens) if name in IPHR_BEHAVIOURS else Recipe(name, seed, count_tokens)
