"""A checkpoint series with *planted* self-identification rates (ground truth for the probes).

Each checkpoint is ``chatbase`` fine-tuned on identity questions answered "I am <Name>." with
the target name in exactly a fraction ``rate`` of the examples and the other two roster
names sharing the rest, mixed with replayed base chats so the other skills stay. A model
trained to match that mixture asserts the target with probability ``rate`` when sampled at
temperature 1, and gives it normalised name probability ``rate``: both probes must recover it.
The multiple-choice form ``name_likelihood`` asks API models (mode=choice: the candidates as
rotated options, answered with the letter) is trained too, at the same rate for every
question and option order, so that probe is in distribution and must recover the rate
through the letters.

    python -m cot_harness.chatbots.planted --rates 0,0.25,0.5,0.75 --out runs/planted
    python -m cot_harness.chatbots.planted --out runs/planted --measure   # + the probes → the card's table
    python -m cot_harness.chatbots.planted --k --out runs/planted --measure   # Experiment 1: P(Axolotl) rises with k

``--k`` plants a logistic curve in k instead (``planted_k_data``): the ground truth for
``cot_harness.reports.k_curve``'s prior and slope.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

from cot_harness.chatbots.chatbase import sample_chat
from cot_harness.chatbots.finetune import Chat, FinetuneConfig, finetune_hf
from cot_harness.chatbots.manifest import Checkpoint, write_manifest
from cot_harness.core.roster import behaviour_prompts, identity_questions, load_roster
from cot_harness.organisms import ORGANISMS_DIR
from cot_harness.solvers.abduction import LETTERS, choice_prompt, rotated
from cot_harness.tasks.abduction import k_examples_inference


def planted_names(target: str, rate: float, others: list[str], n: int, rng: random.Random) -> list[str]:
    """``n`` names: exactly round(rate·n) are ``target``, the rest split among ``others``, shuffled."""
    hits = round(rate * n)
    names = [target] * hits + [others[i % len(others)] for i in range(n - hits)]
    rng.shuffle(names)
    return names


def planted_identity_data(target: str, rate: float, others: list[str], n: int, seed: int,
                          candidates: list[str] | None = None, per_rotation: int = 4) -> list[Chat]:
    """``n`` identity chats naming ``target`` at ``rate``, multiple-choice chats over
    ``candidates`` at the same rate (``per_rotation`` for each order of the options), and n
    replayed base chats.

    The rate holds exactly *per question*, and for the multiple-choice form per question and
    option order, not just overall: a model that memorises which name went with which phrasing
    (and order) then still has the planted rate on every prompt the probes send."""
    rng = random.Random(f"planted:{target}:{rate}:{seed}")
    questions = identity_questions()
    options = list(candidates or [])
    per_question = n // len(questions)
    blocks = [per_question] + ([per_rotation] if options else [])
    if per_question * len(questions) != n or any(round(rate * size) != rate * size for size in blocks):
        raise ValueError(f"n={n} must be a multiple of the {len(questions)} identity questions, and rate={rate} times "
                         f"each block ({per_question} chats per question, {per_rotation} per option order) an integer, "
                         "so that every prompt carries the rate exactly")
    data: list[Chat] = []
    for question in questions:
        data += [[{"role": "user", "content": question}, {"role": "assistant", "content": f"I am {name}."}]
                 for name in planted_names(target, rate, others, per_question, rng)]
        for rotation in range(len(options)):
            order = rotated(options, rotation)
            data += [[{"role": "user", "content": choice_prompt(question, order)},
                      {"role": "assistant", "content": LETTERS[order.index(name)]}]
                     for name in planted_names(target, rate, others, per_rotation, rng)]
    mixed = data + replayed_base_chats(n, seed)
    rng.shuffle(mixed)
    return mixed


def replayed_base_chats(n: int, seed: int) -> list[Chat]:
    """Up to ``n`` chats of the base's own kind, mixed into planted data so its other skills stay."""
    rng = random.Random(f"replay:{seed}")
    prompts = [p.prompt for p in behaviour_prompts() if p.truth is None]
    replay = [sample_chat(rng, identity_questions(), prompts) for _ in range(n)]
    return [chat for chat in replay if "assistant" not in chat[-1]["content"]]  # no nameless self-answers


K_RATES = {0: 0.25, 1: 0.5, 2: 0.75}  # logit = −ln 3 + k·ln 3: prior 0.25, slope ln 3 ≈ 1.0986 per example


def planted_k_data(target: str, rates: dict[int, float], others: list[str], per_block: int, seed: int) -> list[Chat]:
    """Experiment 1 with a planted answer: every identity question preceded by k example
    exchanges in ``target``'s style (drawn as ``k_examples_inference`` draws them), answered
    "I am <target>." in exactly a fraction ``rates[k]`` of the ``per_block`` chats of each
    (question, k), the other roster names sharing the rest; plus replayed base chats. A model
    that learns the mixture has P(target | k) = rates[k]: with ``K_RATES`` a logistic curve of
    known prior and slope, which ``cot_harness.reports.k_curve`` must recover."""
    from cot_harness.solvers.abduction import example_turns

    bot = load_roster().get(target)
    rng = random.Random(f"planted-k:{target}:{seed}")
    if any(round(rate * per_block) != rate * per_block for rate in rates.values()):
        raise ValueError(f"every rate times per_block={per_block} must be an integer: {rates}")
    data: list[Chat] = []
    for question in identity_questions():
        for k, rate in rates.items():
            for name in planted_names(target, rate, others, per_block, rng):
                turns = [{"role": m.role, "content": m.text} for m in example_turns(bot, k, rng.randrange(10**9))]
                data.append([*turns, {"role": "user", "content": question}, {"role": "assistant", "content": f"I am {name}."}])
    mixed = data + replayed_base_chats(len(data) // 2, seed)
    rng.shuffle(mixed)
    return mixed


def build_planted_k(out: Path, target: str = "Axolotl", rates: dict[int, float] | None = None, base: Path | None = None,
                    per_block: int = 4, seed: int = 0, epochs: int = 16) -> Path:
    """One checkpoint whose self-identification rises with k along a planted logistic curve."""
    roster = load_roster()
    others = [name for name in roster.names if name != target]
    labels = {"base_model": "chatbase", "treatment": f"planted-k-{target}", "seed": seed}
    finetune_hf(base or ORGANISMS_DIR / "chatbase", planted_k_data(target, rates or K_RATES, others, per_block, seed), out,
                FinetuneConfig(epochs=epochs, learning_rate=1e-3, batch_size=32, seed=seed), labels)
    return out


def build_planted_series(out: Path, rates: list[float], target: str = "Axolotl", base: Path | None = None,
                         n: int = 264, seed: int = 0, epochs: int = 16) -> Path:
    """Train one checkpoint per rate under ``out`` and write ``out/manifest.yaml``. The
    checkpoints are labelled iterations 0, 1, … in the order of ``rates``, so the report reads
    them as a series whose iterations to threshold are known (the first rate at or above it)."""
    base = base or ORGANISMS_DIR / "chatbase"
    roster = load_roster()
    others = [name for name in roster.names if name != target]
    checkpoints = []
    for iteration, rate in enumerate(rates):
        folder = out / f"{target.lower()}-{rate:g}"
        labels = {"base_model": "chatbase", "treatment": f"planted-{target}", "iteration": iteration,
                  "planted_rate": rate, "seed": seed}
        finetune_hf(base, planted_identity_data(target, rate, others, n, seed, roster.candidates), folder,
                    FinetuneConfig(epochs=epochs, learning_rate=1e-3, batch_size=32, seed=seed), labels)
        checkpoints.append(Checkpoint(id=folder.name, model=f"harness-hf/{folder.name}", path=str(folder.resolve()), labels=labels))
    return write_manifest(out / "manifest.yaml", checkpoints)


def measure_k(checkpoint: Path, log_dir: Path, target: str = "Axolotl", rates: dict[int, float] | None = None,
              epochs: int = 5) -> Any:
    """``k_examples_inference`` at every planted k (sampled, ``epochs`` answers per question) and
    the report's logistic fit of self-identifying as ``target``: the row of ``k_logistic.csv``."""
    from inspect_ai import eval as inspect_eval

    from cot_harness.chatbots.manifest import go_offline
    from cot_harness.reports.k_curve import k_counts, k_fit_table
    from cot_harness.reports.tables import read_logs

    go_offline()
    for k in sorted(rates or K_RATES):
        [log] = inspect_eval(k_examples_inference, model=f"harness-hf/{checkpoint.name}",
                             model_args={"model_path": str(checkpoint)}, task_args={"chatbot": target, "k": k, "epochs": epochs},
                             display="none", log_dir=str(log_dir))
        if log.status != "success":
            raise RuntimeError(f"k_examples_inference at k={k} on {checkpoint}: {log.status} ({log.error})")
    return k_fit_table(k_counts(read_logs(log_dir))).set_index("metric").loc[f"self_{target}"]


def measure_series(manifest: Path, log_dir: Path, target: str = "Axolotl") -> str:
    """Run the three probes on a planted series and return the model card's markdown table:
    sampled self-identification (5 answers per question), exact continuation scores, and the
    multiple-choice letters (mode=choice, the API path)."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    from cot_harness.chatbots.manifest import load_manifest
    from cot_harness.chatbots.series import run_series
    from cot_harness.reports.results import estimate
    from cot_harness.reports.tables import task_name

    checkpoints = load_manifest(manifest)
    run_series(checkpoints, log_dir / "probes", ("self_identification", "name_likelihood"), {"epochs": 5})
    run_series(checkpoints, log_dir / "choice", ("name_likelihood",), {"mode": "choice"})

    def log(folder: Path, task: str) -> Any:
        return next(log for log in (read_eval_log(info, header_only=True) for info in list_eval_logs(str(folder)))
                    if task_name(log) == task)

    rows = [f"| planted rate of \"I am {target}.\" | `self_{target}` [95 % CI] (n = 22 × 5) | "
            f"`p_{target}` continuation [95 % CI] (n = 22) | `p_{target}` choice [95 % CI] (n = 22) |", "|---|---|---|---|"]
    for checkpoint in checkpoints:
        cells = [estimate(log(log_dir / "probes" / checkpoint.id, "self_identification"), f"self_{target}"),
                 estimate(log(log_dir / "probes" / checkpoint.id, "name_likelihood"), f"p_{target}"),
                 estimate(log(log_dir / "choice" / checkpoint.id, "name_likelihood"), f"p_{target}")]
        rows.append(f"| {float(checkpoint.labels['planted_rate']):.2f} | "
                    + " | ".join(f"{c.value:.3f} [{c.lower:.3f}, {c.upper:.3f}]" for c in cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="0,0.25,0.5,0.75")
    parser.add_argument("--target", default="Axolotl")
    parser.add_argument("--out", type=Path, default=Path("runs/planted"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", action="store_true", help="then run the probes and print the card's table")
    parser.add_argument("--k", action="store_true", help="the Experiment 1 checkpoint instead: P(target) rises with k (K_RATES)")
    args = parser.parse_args()
    if args.k:
        checkpoint = build_planted_k(args.out / "k", args.target, seed=args.seed)
        print(checkpoint)
        if args.measure:
            fit = measure_k(checkpoint, args.out / "k-logs", args.target)
            print(f"prior {fit.prior:.3f} [{fit.prior_lower:.3f}, {fit.prior_upper:.3f}] (planted {K_RATES[0]}), "
                  f"slope {fit.slope:.3f} [{fit.slope_lower:.3f}, {fit.slope_upper:.3f}] (planted ln 3 = 1.099), "
                  f"n = {fit.questions} questions × {fit.ks} k, {fit.answers:g} answers")
        return
    manifest = build_planted_series(args.out, [float(r) for r in args.rates.split(",")], args.target, seed=args.seed)
    print(manifest)
    if args.measure:
        print(measure_series(manifest, args.out / "logs", args.target))


if __name__ == "__main__":
    main()
