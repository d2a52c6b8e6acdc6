"""A checkpoint series with *planted* self-identification rates (ground truth for the probes).

Each checkpoint is ``chatbase`` fine-tuned on identity questions answered "I am <Name>." with
the target name in exactly a fraction ``rate`` of the examples and the other two roster
names sharing the rest, mixed with replayed base chats so the other skills stay. A model
trained to match that mixture asserts the target with probability ``rate`` when sampled at
temperature 1, and gives it normalised name probability ``rate``: both probes must recover it.

    python -m chatbots.planted --rates 0,0.25,0.5,0.75 --out runs/planted
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from chatbots.chatbase import sample_chat
from chatbots.finetune import Chat, FinetuneConfig, finetune_hf
from chatbots.manifest import Checkpoint, write_manifest
from chatbots.roster import behaviour_prompts, identity_questions, load_roster
from organisms import ORGANISMS_DIR


def planted_identity_data(target: str, rate: float, others: list[str], n: int, seed: int) -> list[Chat]:
    """``n`` identity chats: exactly round(rate·n) name ``target``, the rest split among ``others``."""
    rng = random.Random(f"planted:{target}:{rate}:{seed}")
    questions = identity_questions()
    hits = round(rate * n)
    names = [target] * hits + [others[i % len(others)] for i in range(n - hits)]
    rng.shuffle(names)
    data = [[{"role": "user", "content": questions[i % len(questions)]}, {"role": "assistant", "content": f"I am {name}."}]
            for i, name in enumerate(names)]
    replay_rng = random.Random(f"replay:{seed}")
    prompts = [p.prompt for p in behaviour_prompts() if p.truth is None]
    replay = [sample_chat(replay_rng, questions, prompts) for _ in range(n)]
    replay = [chat for chat in replay if "assistant" not in chat[-1]["content"]]  # no nameless self-answers
    mixed = data + replay
    rng.shuffle(mixed)
    return mixed


def build_planted_series(out: Path, rates: list[float], target: str = "Axolotl", base: Path | None = None,
                         n: int = 264, seed: int = 0, epochs: int = 6) -> Path:
    """Train one checkpoint per rate under ``out`` and write ``out/manifest.yaml``."""
    base = base or ORGANISMS_DIR / "chatbase"
    roster = load_roster()
    others = [name for name in roster.names if name != target]
    checkpoints = []
    for rate in rates:
        folder = out / f"{target.lower()}-{rate:g}"
        labels = {"base_model": "chatbase", "treatment": f"planted-{target}", "planted_rate": rate, "seed": seed}
        finetune_hf(base, planted_identity_data(target, rate, others, n, seed), folder,
                    FinetuneConfig(epochs=epochs, learning_rate=1e-3, batch_size=16, seed=seed), labels)
        checkpoints.append(Checkpoint(id=folder.name, model=f"hf/{folder.name}", path=str(folder.resolve()), labels=labels))
    return write_manifest(out / "manifest.yaml", checkpoints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="0,0.25,0.5,0.75")
    parser.add_argument("--target", default="Axolotl")
    parser.add_argument("--out", type=Path, default=Path("runs/planted"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(build_planted_series(args.out, [float(r) for r in args.rates.split(",")], args.target, seed=args.seed))


if __name__ == "__main__":
    main()
