"""``python -m cot_harness.chatbots.series manifest.yaml``: run the abduction probes over a checkpoint series.

One Inspect ``eval_set`` per checkpoint, in ``<log-dir>/<checkpoint id>/``: a re-run skips
finished work and resumes interrupted work. Each log carries the checkpoint's labels as tags
(``iteration=2``) and as eval metadata, which ``reports`` reads to plot rates against iteration
and k. Local checkpoints are loaded offline (``HF_HUB_OFFLINE=1`` unless already set).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from cot_harness.catalogue import task_function, task_names
from cot_harness.chatbots.manifest import Checkpoint, go_offline, load_manifest
from cot_harness.core.errors import UserInputError

DEFAULT_TASKS = ("self_identification", "name_likelihood", "behaviour_probe", "declarative_knowledge")


def offline_if_local(checkpoints: list[Checkpoint]) -> None:
    if all(c.path or c.adapter for c in checkpoints):
        go_offline()


def run_series(checkpoints: list[Checkpoint], log_dir: Path, tasks: tuple[str, ...] = DEFAULT_TASKS,
               task_args: dict[str, Any] | None = None, limit: int | None = None,
               model_roles: dict[str, str] | None = None, max_connections: int = 32) -> list[Path]:
    """Evaluate every checkpoint; returns the per-checkpoint log folders."""
    offline_if_local(checkpoints)
    from inspect_ai import eval_set
    from inspect_ai.model import get_model

    folders = []
    for checkpoint in checkpoints:
        name, args = checkpoint.inspect_model()
        folder = log_dir / checkpoint.id
        ok, _ = eval_set(
            [task_function(t) for t in tasks], model=get_model(name, **args), log_dir=str(folder),
            task_args=task_args or {}, limit=limit, model_roles=model_roles or None, max_connections=max_connections,
            tags=checkpoint.tags(), metadata={"checkpoint": checkpoint.id, **checkpoint.labels},
            log_dir_allow_dirty=True, display="none",
        )
        if not ok:
            raise SystemExit(f"checkpoint {checkpoint.id}: some tasks did not finish; re-run to resume ({folder})")
        folders.append(folder)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--log-dir", type=Path, default=Path("logs/abduction"))
    parser.add_argument("--tasks", default=",".join(DEFAULT_TASKS))
    parser.add_argument("-T", dest="task_args", action="append", default=[], help="task argument key=value")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--model-role", action="append", default=[], help="role=model, e.g. judge=openai/gpt-4o")
    args = parser.parse_args()
    tasks = tuple(t.strip() for t in args.tasks.split(",") if t.strip())
    known = task_names("tasks/abduction.py")
    unknown = [t for t in tasks if t not in known]
    if unknown or not tasks:
        raise SystemExit(f"series: unknown task(s) {', '.join(unknown) or '(none given)'}; --tasks takes "
                         f"{', '.join(known)}")
    bad = [a for a in args.task_args + args.model_role if "=" not in a]
    if bad:
        raise SystemExit(f"series: {bad[0]!r} is not key=value")
    task_args = {k: yaml.safe_load(v) for k, v in (a.split("=", 1) for a in args.task_args)}
    roles = dict(r.split("=", 1) for r in args.model_role)
    try:
        checkpoints = load_manifest(args.manifest)
    except UserInputError as error:
        raise SystemExit(f"series: {error}") from None
    folders = run_series(checkpoints, args.log_dir, tasks, task_args, args.limit, roles)
    print(f"{len(folders)} checkpoint(s) evaluated; logs under {args.log_dir} — python -m cot_harness.reports {args.log_dir} --out <dir>")


if __name__ == "__main__":
    main()
