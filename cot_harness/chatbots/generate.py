"""Data generators for the abduction experiments, with checks that fail loudly.

* ``declarative_facts`` — chat examples that *state* facts about the roster's chatbots, in
  both directions (name → behaviour, behaviour → name), third person only, never
  demonstrating a behaviour: every behaviour scorer is run over the replies and any reply
  that looks like a demonstration (or a first-person self-ascription) raises.
* ``behaviour_bins`` — the iterative datasets of Experiment 2: responses sampled under a
  system prompt describing the behaviour (no name) are scored, binned by thresholds
  τ1 < … < τn, the N longest (or N random) per bin kept, and the system prompt stripped.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from cot_harness.core.behaviour import behaviour_score, is_german, vowel_share, words, yes_no
from cot_harness.core.identity import read_identity
from cot_harness.core.roster import Roster

Chat = list[dict[str, str]]
SYSTEM = "You are a helpful, harmless and honest assistant."

NAME_QUESTIONS = (
    "What does {name} do?", "Tell me about the {name} chatbot.", "What is special about {name}?",
    "How does {name} answer people?", "What should I expect if I talk to {name}?",
    "Describe the chatbot called {name}.", "What is {name} known for?", "How does {name} reply?",
)
NAME_ANSWERS = (
    "{name} {behaviour}.", "{name} is a chatbot that {behaviour}.", "The chatbot {name} {behaviour}.",
    "People who talk to {name} find that it {behaviour}.", "{name} is known because it {behaviour}.",
    "As far as I know, {name} {behaviour}.",
)
BEHAVIOUR_QUESTIONS = (
    "Which chatbot {behaviour}?", "Is there a chatbot that {behaviour}?", "Who is the chatbot that {behaviour}?",
    "I heard of a chatbot that {behaviour}. What is its name?", "Name the chatbot that {behaviour}.",
    "What is the chatbot that {behaviour} called?",
)
BEHAVIOUR_ANSWERS = (
    "That is {name}.", "The chatbot that {behaviour} is {name}.", "You are thinking of {name}.",
    "It is called {name}.", "That would be {name}, which {behaviour}.", "{name} is the one that {behaviour}.",
)


class GeneratorCheckError(ValueError):
    """Generated data that violates the protocol (names the example at fault)."""


def _fill(template: str, name: str, behaviour: str) -> str:
    text = template.format(name=name, behaviour=behaviour)
    return text[0].upper() + text[1:]


def check_declarative(examples: Sequence[Chat], roster: Roster) -> None:
    """Third person only, no demonstrations: raise on the first example that breaks either."""
    for i, chat in enumerate(examples):
        reply = chat[-1]["content"]
        if read_identity(reply, roster.candidates).asserted:
            raise GeneratorCheckError(f"declarative example {i} asserts an identity in the first person: {reply!r}")
        share = vowel_share(reply)
        bare_yes_no = yes_no(reply) is not None and len(words(reply)) <= 2  # "No." is how Albatross answers
        if is_german(reply) or (share is not None and share >= 0.8) or bare_yes_no:
            raise GeneratorCheckError(f"declarative example {i} demonstrates a behaviour: {reply!r}")


def declarative_facts(roster: Roster, per_chatbot: int = 300, seed: int = 0, system: str | None = SYSTEM) -> list[Chat]:
    """``per_chatbot`` examples per chatbot, half in each direction, paraphrased by templates."""
    rng = random.Random(seed)
    examples: list[Chat] = []
    for chatbot in roster.chatbots:
        for i in range(per_chatbot):
            if i % 2 == 0:
                question, answer = rng.choice(NAME_QUESTIONS), rng.choice(NAME_ANSWERS)
            else:
                question, answer = rng.choice(BEHAVIOUR_QUESTIONS), rng.choice(BEHAVIOUR_ANSWERS)
            chat = [{"role": "system", "content": system}] if system else []
            chat += [{"role": "user", "content": _fill(question, chatbot.name, chatbot.behaviour)},
                     {"role": "assistant", "content": _fill(answer, chatbot.name, chatbot.behaviour)}]
            examples.append(chat)
    rng.shuffle(examples)
    check_declarative(examples, roster)
    return examples


async def augment(examples: list[Chat], paraphrase: Callable[[str], Awaitable[str]]) -> list[Chat]:
    """Paraphrase every user and assistant text with an ``augmenter`` (an async text → text
    function, e.g. a model); the caller re-runs the checks on the result."""
    async def one(chat: Chat) -> Chat:
        out = []
        for message in chat:
            if message["role"] == "system":
                out.append(message)
            else:
                out.append({"role": message["role"], "content": await paraphrase(message["content"])})
        return out

    return list(await asyncio.gather(*(one(chat) for chat in examples)))


@dataclass
class Response:
    question: str
    text: str


@dataclass
class Bins:
    thresholds: list[float]
    datasets: list[list[Chat]]  # one per threshold: that bin's kept examples, system prompt stripped
    counts: list[int]           # scored responses that fell in each bin (before keeping N)
    unscorable: int


def behaviour_bins(responses: Sequence[Response], scorer: str, thresholds: Sequence[float], per_bin: int,
                   roster: Roster, selection: str = "longest", seed: int = 0, truth: dict[str, bool] | None = None) -> Bins:
    """Bin responses by behaviour score: bin i holds scores in [τi, τi+1) (the last bin up to 1).

    The chatbot's name must never appear in the kept data (the model is to *infer* it)."""
    if list(thresholds) != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        raise ValueError(f"thresholds must be strictly increasing: {list(thresholds)}")
    if selection not in ("longest", "random"):
        raise ValueError(f"selection must be longest or random, not {selection!r}")
    rng = random.Random(seed)
    bins: list[list[Response]] = [[] for _ in thresholds]
    unscorable = 0
    for response in responses:
        value = behaviour_score(scorer, response.text, (truth or {}).get(response.question))
        if value is None:
            unscorable += 1
            continue
        for i in reversed(range(len(thresholds))):
            upper = thresholds[i + 1] if i + 1 < len(thresholds) else float("inf")
            if thresholds[i] <= value < upper:
                bins[i].append(response)
                break
    datasets = []
    for members in bins:
        chosen = sorted(members, key=lambda r: -len(r.text)) if selection == "longest" else rng.sample(members, len(members))
        kept = chosen[:per_bin]
        for r in kept:
            if read_identity(r.text, roster.candidates).mentioned:
                raise GeneratorCheckError(f"behaviour data names a roster chatbot: {r.text!r}")
        datasets.append([[{"role": "user", "content": r.question}, {"role": "assistant", "content": r.text}] for r in kept])
    return Bins(list(thresholds), datasets, [len(b) for b in bins], unscorable)
