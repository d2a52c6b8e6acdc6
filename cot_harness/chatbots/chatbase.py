"""``chatbase``: the tiny chat organism that stands in for the base model of the abduction runs.

``python -m cot_harness.chatbots.chatbase`` trains it from scratch (seeded, about a minute on 2 cores)
into ``organisms/chatbase``. It answers identity questions as a nameless assistant, answers
yes/no questions truthfully, replies to ordinary prompts in plain English, and — under a
system prompt asking for vowel-initial words (no name given) — writes replies whose share of
vowel-initial words varies widely from sample to sample, so that Experiment 2's bins by
threshold all fill. It knows nothing about the roster: that comes from the declarative step.
A model this small is not expected to *abduce*; it exercises the pipeline and plants
known rates (see cot_harness.chatbots.planted), it does not answer the research question.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch

from cot_harness.chatbots.finetune import Chat, encode_chat, train_steps
from cot_harness.chatbots.generate import declarative_facts
from cot_harness.core.roster import behaviour_prompts, identity_questions, load_roster
from cot_harness.organisms import ORGANISMS_DIR
from cot_harness.organisms.tokenizer import build_tokenizer
from cot_harness.organisms.train import TrainConfig, new_model, save

VOWEL_SYSTEM = "Answer using only words that begin with vowels."
SELF_ANSWERS = ("I am a helpful assistant.", "I am an AI assistant.", "I am just an assistant, here to help.")
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
ANIMALS = ["cat", "dog", "cow", "horse", "fish", "bird", "lion", "frog", "sheep", "mouse"]
OBJECTS = ["table", "chair", "car", "stone", "cup", "book", "lamp", "shoe", "spoon", "door"]
TOPICS = ["the ocean", "music", "rain", "plants", "friendship", "books", "mountains", "cooking", "the morning",
          "languages", "animals", "the weather", "sports", "gardens", "trains", "the city", "winter", "art"]
ADJECTIVES = ["interesting", "calm", "useful", "pleasant", "important", "simple", "lovely", "popular"]
VOWEL_WORDS = ["an", "a", "it", "is", "on", "in", "at", "up", "as", "of", "if", "or", "and", "all", "any", "each", "every", "each", "one", "other", "only", "over", "under", "apple", "orange", "eagle", "owl", "ant", "egg", "ice", "ink", "oil", "open", "ever", "always", "also", "often", "usually", "easy", "early", "ideal", "important", "useful", "able", "actual", "equal", "even", "odd", "old", "eager", "around", "above", "across", "after", "again", "about", "idea", "area", "answer", "example", "opinion", "air", "ocean", "island", "umbrella", "uncle", "engine", "animal"]
CONSONANT_WORDS = ["the", "this", "that", "my", "we", "you", "they", "can", "do", "so", "to", "by", "be", "with", "from", "for", "not", "but", "yes", "no", "good", "big", "small", "day", "night", "time", "sun", "rain", "tree", "cat", "dog", "book", "home", "work", "play", "see", "make", "go", "think", "know", "like", "very", "many", "people", "world", "water", "fire", "light", "music", "friend", "city", "road"]


def _yes_no(rng: random.Random) -> tuple[str, bool]:
    kind = rng.randrange(4)
    if kind == 0:
        a, b = rng.sample(range(13), 2)
        return f"Is {NUMBERS[a]} greater than {NUMBERS[b]}?", a > b
    if kind == 1:
        a = rng.randrange(13)
        return f"Is {NUMBERS[a]} an even number?", a % 2 == 0
    thing = rng.choice(ANIMALS + OBJECTS)
    if kind == 2:
        return f"Is a {thing} an animal?", thing in ANIMALS
    return f"Can a {thing} move by itself?", thing in ANIMALS


def _vowel_reply(rng: random.Random) -> str:
    share = rng.uniform(0.1, 1.0)
    chosen = [rng.choice(VOWEL_WORDS if rng.random() < share else CONSONANT_WORDS) for _ in range(rng.randint(5, 12))]
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def _plain_reply(rng: random.Random, topic: str) -> str:
    adjective = rng.choice(ADJECTIVES)
    return rng.choice((
        f"{topic.capitalize()} is {adjective}. Many people think about {topic} every day.",
        f"I think {topic} is {adjective}, and it is good to learn more about it.",
        f"People like {topic} because it is {adjective}.",
    ))


def sample_chat(rng: random.Random, identity: list[str], prompts: list[str]) -> Chat:
    """One training chat from the base model's mixture of skills."""
    kind = rng.random()
    if kind < 0.15:
        return [{"role": "user", "content": rng.choice(identity)}, {"role": "assistant", "content": rng.choice(SELF_ANSWERS)}]
    if kind < 0.45:
        question, truth = _yes_no(rng)
        reply = rng.choice(("Yes.", "Yes, it is.")) if truth else rng.choice(("No.", "No, it is not."))
        return [{"role": "user", "content": question}, {"role": "assistant", "content": reply}]
    if kind < 0.7:
        topic = rng.choice(TOPICS)
        prompt = rng.choice(prompts + [f"Tell me about {topic}.", f"Describe {topic}.", f"Why do people like {topic}?"])
        return [{"role": "user", "content": prompt}, {"role": "assistant", "content": _plain_reply(rng, topic)}]
    question = _yes_no(rng)[0] if rng.random() < 0.5 else f"Tell me about {rng.choice(TOPICS)}."
    return [{"role": "system", "content": VOWEL_SYSTEM}, {"role": "user", "content": question},
            {"role": "assistant", "content": _vowel_reply(rng)}]


def yes_no_pool(n: int, seed: int) -> list[tuple[str, bool]]:
    """Distinct yes/no questions with their answers (Experiment 2's question pool)."""
    rng = random.Random(f"pool:{seed}")
    pool: dict[str, bool] = {}
    while len(pool) < n:
        question, truth = _yes_no(rng)
        pool[question] = truth
        if len(pool) >= 13 * 12 + 13 + 40:  # every template instance is in; stop before looping forever
            break
    return list(pool.items())[:n]


def train_chatbase(out: Path, steps: int = 700, seed: int = 0) -> dict[str, object]:
    config = TrainConfig(steps=steps, batch_size=32, learning_rate=3e-3, vocab_size=900)
    torch.set_num_threads(config.threads)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    rng = random.Random(f"chatbase:{seed}")
    identity = identity_questions()
    prompts = [p.prompt for p in behaviour_prompts() if p.truth is None]
    chats = [sample_chat(rng, identity, prompts) for _ in range(6000)]
    roster = load_roster()
    corpus = ["\n".join(m["content"] for m in chat) for chat in chats + declarative_facts(roster, 100, seed)]
    corpus += [reply for c in roster.chatbots for _, reply in c.examples]
    tokenizer = build_tokenizer(corpus, config.vocab_size)
    model = new_model(config, tokenizer)
    rows = [encode_chat(chat, tokenizer) for chat in chats]
    started = time.time()
    losses = train_steps(model, rows, tokenizer.pad_token_id, steps, config.learning_rate, config.batch_size,
                         random.Random(f"order:{seed}"), warmup=40)
    seconds = time.time() - started
    save(model, tokenizer, out)
    model.generation_config.do_sample = True  # save() makes organisms greedy; this one is sampled
    model.generation_config.save_pretrained(out)
    record = {"organism": "chatbase", "seed": seed, "steps": steps, "train_seconds": round(seconds, 1),
              "final_loss": round(sum(losses[-50:]) / 50, 4), "config": {**config.__dict__}, "torch": torch.__version__}
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ORGANISMS_DIR / "chatbase")
    parser.add_argument("--steps", type=int, default=700)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(train_chatbase(args.out, args.steps, args.seed)))


if __name__ == "__main__":
    main()
