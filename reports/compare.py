"""``python -m cot_harness.reports.compare config.yaml [--dry-run]``: a model-comparison run in one command.

The YAML names models, tasks, task arguments and limits; the run goes through Inspect's
``eval_set`` (a re-run after a crash or Ctrl-C resumes: finished tasks are not re-run, finished
samples are kept) with response caching on (``cache: false`` turns it off), so calls already
answered are not sent again; then the report is built. Before anything is sent, the number of
model calls and a token estimate are printed; ``--dry-run`` stops there. Example: docs/compare.example.yaml.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.model import CachePolicy

from cot_harness.core.errors import UserInputError
from cot_harness.core.files import load_yaml
from cot_harness.providers.hf import resolve_organism
from cot_harness.reports.known_tasks import descriptors, harness_tasks, task_function, task_names

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
    cache: bool = True
    # Fault tolerance (defaults that lose no sample to a transient API fault): each errored
    # sample is retried up to ``retry_on_error`` times (a truncated body, a 5xx the provider did
    # not retry); each request up to ``max_retries`` times with backoff, ``timeout`` seconds each;
    # ``fail_on_error``: true = any sample still failing fails its task (eval_set then retries the
    # task), or a fraction of samples allowed to fail.
    retry_on_error: int = 3
    max_retries: int = 6
    timeout: int = 120
    fail_on_error: bool | float = True

    @staticmethod
    def load(path: Path) -> CompareConfig:
        try:
            raw = load_yaml(path, "comparison config")
        except UserInputError as error:
            raise SystemExit(f"compare: {error}") from None
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
        for i, spec in enumerate(raw["tasks"]):
            problem = task_problem(str(spec))
            if problem:
                raise SystemExit(f"{path}: tasks[{i}] {spec!r}: {problem}")
        for key in ("retry_on_error", "max_retries", "timeout", "max_connections"):
            if key in raw and (isinstance(raw[key], bool) or not isinstance(raw[key], int) or raw[key] < 0):
                raise SystemExit(f"{path}: '{key}' must be a whole number >= 0, not {raw[key]!r}")
        fail = raw.get("fail_on_error", True)
        if not (isinstance(fail, bool) or (isinstance(fail, float | int) and 0 <= fail <= 1)):
            raise SystemExit(f"{path}: 'fail_on_error' must be true, false or a fraction of samples, not {fail!r}")
        return CompareConfig(**raw)


def task_problem(spec: str) -> str | None:
    """Why ``cot_harness/<task>``, ``tasks/<file>.py@task`` (or ``tasks/<file>.py``) names no
    harness task, or None."""
    if spec.startswith("cot_harness/"):
        name = spec.removeprefix("cot_harness/")
        known = harness_tasks()
        return None if name in known else f"no harness task {name!r} (tasks: {', '.join(known)})"
    file, _, name = spec.partition("@")
    if not file.endswith(".py") or not Path(file).is_file():
        return (f"no task file {file!r} (give cot_harness/<task> or tasks/<file>.py@<task>, e.g. "
                "cot_harness/cot_vs_no_cot)")
    names = task_names(f"tasks/{Path(file).name}") if Path(file).resolve().parent.name == "tasks" else []
    if not names:
        return f"{file} defines no harness task (its tasks are the harness's own: {', '.join(harness_tasks())})"
    if name and name not in names:
        return f"{file} has no task {name!r} (its tasks: {', '.join(names)})"
    return None


def task_list(spec: str) -> list[str]:
    """The task names a spec runs (a whole file runs each of its tasks)."""
    if spec.startswith("cot_harness/"):
        return [spec.removeprefix("cot_harness/")]
    file, _, name = spec.partition("@")
    return [name] if name else task_names(f"tasks/{Path(file).name}")


def calls_per_sample(spec: str) -> int:
    """Model calls per sample of the spec's tasks (their descriptors' upper bounds)."""
    return sum(descriptors()[name].calls_per_sample for name in task_list(spec))


def cache_policy(entry: dict[str, Any]) -> CachePolicy:
    """Cache responses per model *and* model arguments. Inspect files a cached response under the
    model name with a key that ignores the arguments, and every local checkpoint is ``hf/local``:
    two checkpoints would be served each other's answers. So the arguments go into the key, and for
    a local checkpoint also its resolved path and the newest modification time of its files (a
    checkpoint retrained in place is not served its predecessor's answers)."""
    args = entry.get("args") or {}
    # a digest rather than the JSON itself: spec tools that template strings (Inspect Flow) choke on braces
    scopes = {"model": str(entry["model"]),
              "args": hashlib.sha256(json.dumps(args, sort_keys=True, default=str).encode()).hexdigest()[:16]}
    directory = args.get("model_path") or local_directory(str(entry["model"]))
    if directory and Path(str(directory)).exists():
        scopes["model_path"] = checkpoint_fingerprint(Path(str(directory)))
    return CachePolicy(scopes=scopes)


def local_directory(model: str) -> str | None:
    """The checkpoint directory an ``organism/`` or ``local/`` model name stands for."""
    provider, _, name = model.partition("/")
    if provider == "local":
        return name
    if provider == "organism":
        return str(resolve_organism(name)) if name else None
    return None


def checkpoint_fingerprint(path: Path) -> str:
    files = [p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()]
    return f"{path.resolve()}@{max((p.stat().st_mtime_ns for p in files), default=0)}"


def estimate_calls(config: CompareConfig, pilot: Path | None = None) -> tuple[int, int]:
    """Model calls (the descriptors' upper bounds) and tokens for the whole comparison. Tokens are
    measured per sample where a pilot run of the same task and model is in ``pilot`` (its logs'
    token usage, all models included, over its completed samples), else ``TOKENS_PER_CALL`` per call."""
    n = int(config.task_args.get("n") or 100)
    measured = pilot_tokens_per_sample(pilot) if pilot else {}
    calls = tokens = 0
    for entry in config.models:
        for name in (name for spec in config.tasks for name in task_list(spec)):
            per_sample_calls = descriptors()[name].calls_per_sample
            calls += per_sample_calls * n
            tokens += round(measured.get((name, str(entry["model"])), per_sample_calls * TOKENS_PER_CALL) * n)
    return calls, tokens


def pilot_tokens_per_sample(log_dir: Path) -> dict[tuple[str, str], float]:
    """(task, model) → tokens per completed sample in a pilot run's successful logs (the latest
    per pair). Responses served from Inspect's cache count nothing: run the pilot with ``cache: false``."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    from cot_harness.reports.tables import task_name

    found: dict[tuple[str, str], float] = {}
    for info in sorted(list_eval_logs(str(log_dir)), key=lambda i: i.mtime or 0):
        header = read_eval_log(info, header_only=True)
        done = header.results.completed_samples if header.results else 0
        if header.status == "success" and done and header.stats:
            used = sum(u.total_tokens for u in header.stats.model_usage.values())
            found[(task_name(header), header.eval.model)] = used / done
    return found


def run(config: CompareConfig, dry_run: bool, pilot: Path | None = None) -> None:
    calls, tokens = estimate_calls(config, pilot)
    api = [m["model"] for m in config.models if not m["model"].startswith(("hf/", "harness-hf/", "organism/", "local/", "vllm/"))]
    print(f"{len(config.models)} model(s) × {len(config.tasks)} task(s): about {calls} model calls, "
          f"~{tokens / 1e6:.2f} M tokens in all; API models: {', '.join(api) or 'none'}")
    if dry_run:
        return
    from inspect_ai import eval_set
    from inspect_ai.model import GenerateConfig, Model, get_model

    from cot_harness.reports.__main__ import build_report
    from cot_harness.reports.tables import ReportError

    def model(entry: dict[str, Any], role: str | None = None) -> Model:
        generate = GenerateConfig(max_retries=config.max_retries, timeout=config.timeout)
        if config.cache:
            generate = generate.merge(GenerateConfig(cache=cache_policy(entry)))
        return get_model(entry["model"], role=role, config=generate, **(entry.get("args") or {}))

    models = [model(m) for m in config.models]
    roles = {role: model({"model": name}, role) for role, name in config.model_roles.items()}
    tasks = [task_function(name) for spec in config.tasks for name in task_list(spec)]
    ok, logs = eval_set(tasks, model=models, task_args=config.task_args, log_dir=config.log_dir,
                        max_connections=config.max_connections, model_roles=roles or None,
                        retry_on_error=config.retry_on_error, fail_on_error=config.fail_on_error)
    try:
        build_report(Path(config.log_dir), Path(config.report))  # lists failed and partial runs first
        print(f"report: {config.report}/index.html")
    except ReportError as error:
        print(f"compare: no report: {error}")
    lost = sum((log.results.total_samples - log.results.completed_samples) if log.results else 1 for log in logs)
    if not ok or lost:
        raise SystemExit(f"compare: not complete ({'some tasks failed; ' if not ok else ''}{lost} sample(s) lost); "
                         f"re-run the same command to resume ({config.log_dir})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--pilot", type=Path, default=None,
                        help="log directory of a small pilot run (cache: false): tokens are measured per sample there")
    args = parser.parse_args()
    run(CompareConfig.load(args.config), args.dry_run, args.pilot)


if __name__ == "__main__":
    main()
