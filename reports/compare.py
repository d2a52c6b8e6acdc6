"""``python -m reports.compare config.yaml [--dry-run]``: a model-comparison run in one command.

The YAML names models, tasks, task arguments and limits; the run goes through Inspect's
``eval_set`` (a re-run after a crash or Ctrl-C resumes: finished tasks are not re-run), then
the report is built. Before anything is sent, the number of model calls and a token
estimate are printed; ``--dry-run`` stops there. Example: docs/compare.example.yaml.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Model calls per sample (upper bounds at the tasks' default settings).
CALLS_PER_SAMPLE = {
    "cot_vs_no_cot": 2, "early_answering": 13, "adding_mistakes": 17, "paraphrasing": 17, "filler_tokens": 6,
    "cot_predictiveness": 3, "biased_context": 2, "hint_verbalization": 7, "bias_influence": 3,
}
TOKENS_PER_CALL = 600  # prompt + completion, typical for the built-in data; real datasets vary


@dataclass
class CompareConfig:
    models: list[dict[str, Any]]
    tasks: list[str]
    task_args: dict[str, Any] = field(default_factory=dict)
    log_dir: str = "logs/compare"
    report: str = "report/compare"
    max_connections: int = 16
    model_roles: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def load(path: Path) -> CompareConfig:
        raw = yaml.safe_load(path.read_text())
        if not isinstance(raw, dict):
            raise SystemExit(f"{path}: expected a mapping with 'models' and 'tasks'")
        unknown = set(raw) - set(CompareConfig.__dataclass_fields__)
        if unknown:
            raise SystemExit(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("models", "tasks"):
            if not raw.get(key):
                raise SystemExit(f"{path}: '{key}' must list at least one entry")
        for i, m in enumerate(raw["models"]):
            if not isinstance(m, dict) or "model" not in m:
                raise SystemExit(f"{path}: models[{i}] needs a 'model' key (e.g. openai/gpt-4o-mini)")
        return CompareConfig(**raw)


def estimate_calls(config: CompareConfig) -> tuple[int, int]:
    n = int(config.task_args.get("n") or 100)
    per_model = sum(CALLS_PER_SAMPLE.get(t.split("@")[-1], 10) * n for t in config.tasks)
    calls = per_model * len(config.models)
    return calls, calls * TOKENS_PER_CALL


def run(config: CompareConfig, dry_run: bool) -> None:
    calls, tokens = estimate_calls(config)
    api = [m["model"] for m in config.models if not m["model"].startswith(("hf/", "organism/", "vllm/"))]
    print(f"{len(config.models)} model(s) × {len(config.tasks)} task(s): about {calls} model calls, "
          f"~{tokens / 1e6:.2f} M tokens in all; API models: {', '.join(api) or 'none'}")
    if dry_run:
        return
    from inspect_ai import eval_set
    from inspect_ai.model import get_model

    from reports.__main__ import build_report

    models = [get_model(m["model"], **(m.get("args") or {})) for m in config.models]
    ok, _ = eval_set(config.tasks, model=models, task_args=config.task_args, log_dir=config.log_dir,
                     max_connections=config.max_connections, model_roles=config.model_roles or None)
    if not ok:
        raise SystemExit(f"some tasks did not finish; re-run the same command to resume ({config.log_dir})")
    build_report(Path(config.log_dir), Path(config.report))
    print(f"report: {config.report}/index.html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    run(CompareConfig.load(args.config), args.dry_run)


if __name__ == "__main__":
    main()
