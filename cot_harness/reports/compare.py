"""``python -m cot_harness.reports.compare config.yaml [--dry-run]``: a model-comparison run in one command.

The YAML names models, tasks, task arguments and limits; the run goes through Inspect's
``eval_set`` (a re-run after a crash or Ctrl-C resumes: finished tasks are not re-run, finished
samples are kept) with response caching on (``cache: false`` turns it off), so calls already
answered are not sent again; then the report is built. Before anything is sent, the number of
model calls and a token estimate are printed; ``--dry-run`` stops there. Example: docs/compare.example.yaml.

Bad input is refused in one line before any model is built: an unknown provider (``organsim/…``),
a model listed twice, a task argument its task would refuse (``n: abc``), a report or log path that
is an existing file, an ``openai-api`` model without a base URL; and, before the run (not under
``--dry-run``), an API server that does not accept a connection (Inspect would retry it for minutes).
The exit status is non-zero whenever a run is incomplete (a task failed or samples were lost).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.model import CachePolicy

from cot_harness.catalogue import descriptors, harness_tasks, task_function, task_names
from cot_harness.core.errors import UserInputError
from cot_harness.core.files import load_yaml
from cot_harness.core.parameters import coerce, declared_parameters
from cot_harness.providers.api_checks import missing_base_url, model_base_url, unreachable
from cot_harness.providers.hf import resolve_organism
from cot_harness.providers.inspect_private import PrerequisiteError, model_api_names

TOKENS_PER_CALL = 600  # prompt + completion, typical for the built-in data; real datasets vary
LOCAL_PROVIDERS = ("hf", "harness-hf", "organism", "local", "vllm", "mockllm", "none")
CONNECT_TIMEOUT = 5.0  # seconds for the one connection that checks an API server is there


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
        for key in ("task_args", "model_roles"):
            if key in raw and not isinstance(raw[key], dict):
                raise SystemExit(f"{path}: '{key}' must be a mapping, not {raw[key]!r}")
        config = CompareConfig(**raw)
        problem = config.problem()
        if problem:
            raise SystemExit(f"{path}: {problem}")
        return config

    def problem(self) -> str | None:
        """What makes this comparison impossible to run as written (one line), or None: checked
        before anything is built, by ``--dry-run`` too."""
        seen: dict[tuple[str, str], int] = {}
        for i, entry in enumerate(self.models):
            model = str(entry["model"])
            if not isinstance(entry.get("args") or {}, dict):
                return f"models[{i}] {model}: 'args' must be a mapping of model arguments"
            unknown = provider_problem(model)
            if unknown:
                return f"models[{i}] {unknown}"
            key = (model, json.dumps(entry.get("args") or {}, sort_keys=True, default=str))
            if key in seen:
                return (f"models[{i}] {model} is listed twice (also models[{seen[key]}]); list each model once "
                        "(two checkpoints need distinct names or model_path arguments)")
            seen[key] = i
        for role, model in self.model_roles.items():
            unknown = provider_problem(str(model))
            if unknown:
                return f"model_roles.{role}: {unknown}"
        return task_args_problem(self.tasks, self.task_args) or output_problem("report", self.report) or \
            output_problem("log_dir", self.log_dir)


def provider_problem(model: str) -> str | None:
    """Why ``model`` names no registered provider (``organsim/faithful``), or None."""
    provider, slash, name = model.partition("/")
    if not slash or not provider or not name:
        return f"{model!r}: a model is written <provider>/<name> (e.g. organism/faithful, openai/gpt-4o-mini)"
    known = model_api_names()
    if provider in known:
        return None
    close = difflib.get_close_matches(provider, sorted(known), n=1)
    hint = f"did you mean {close[0]}/{name}?" if close else f"the providers are {', '.join(sorted(known))}"
    return f"{model}: no model provider {provider!r}; {hint}"


def task_args_problem(specs: list[str], task_args: dict[str, Any]) -> str | None:
    """A ``task_args`` entry the comparison would refuse, in one line (the same check each task
    makes when it is built: ``core/parameters.py``), or None: a key no task of the comparison has,
    or a value a task that has it refuses. A key only some tasks have goes to those only."""
    names = [name for spec in specs for name in task_list(spec)]
    declared = {name: {d.name: d for d in declared_parameters(task_function(name))} for name in names}
    for key, value in task_args.items():
        having = [name for name in names if key in declared[name]]
        if not having:
            return (f"task_args: {key}: no task of the comparison has such a parameter "
                    f"(python -m cot_harness --options {' '.join(names)})")
        for name in having:
            try:
                coerce(declared[name][key], value)
            except UserInputError as error:
                return f"task_args: {str(error).removeprefix('-T ')} (task {name})"
    return None


def output_problem(key: str, where: str) -> str | None:
    """A report or log directory that cannot be one: an existing file, or under one."""
    path = Path(where)
    for part in (path, *path.parents):
        if part.exists():
            if part.is_dir():
                return None
            inside = "" if part == path else f" (inside {part})"
            return f"{key}: {where} is an existing file{inside}, not a directory; give a directory"
    return None


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
    try:  # a bad n is the task's to refuse (with the line the CLI gives); the estimate assumes 100
        n = max(int(config.task_args.get("n") or 100), 1)
    except (TypeError, ValueError):
        n = 100
    measured = pilot_tokens_per_sample(pilot) if pilot else {}
    calls = tokens = 0
    for entry in config.models:
        for name in (name for spec in config.tasks for name in task_list(spec)):
            per_sample_calls = descriptors()[name].calls_per_sample
            calls += per_sample_calls * n
            tokens += round(measured.get((name, str(entry["model"])), per_sample_calls * TOKENS_PER_CALL) * n)
    calibration = calibration_calls(config)
    return calls + calibration, tokens + calibration * CALIBRATION_TOKENS_PER_CALL


CALIBRATION_TOKENS_PER_CALL = 900  # a judge prompt holding one calibration response (~600 words) and its reply


def calibration_calls(config: CompareConfig) -> int:
    """Judge calls that calibrate each bound judge role on the calibration set, once per judge ×
    template (cached by Inspect, so a rerun costs nothing): one call per channel of each item,
    counted where the comparison runs a task whose verbalisation is graded."""
    graded = {"hint_verbalization", "biased_context"}
    if not graded & {name for spec in config.tasks for name in task_list(spec)}:
        return 0
    judges = [role for role in config.model_roles if re.fullmatch(r"judge(?:_\d+)?", role)]
    if not judges:
        return 0
    from cot_harness.core.calibration_set import load_calibration

    spec = config.task_args.get("calibration")
    found = load_calibration(None if spec is None else str(spec))
    per_judge = sum(len(item.channels.present()) for item in found.items) if found else 0
    return per_judge * len(judges)


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


def api_entries(config: CompareConfig) -> list[tuple[str, dict[str, Any]]]:
    """(model, args) of every model the comparison sends over the network (roles included)."""
    entries = [(str(m["model"]), m.get("args") or {}) for m in config.models]
    entries += [(str(name), {}) for name in config.model_roles.values()]
    return [(model, args) for model, args in entries if model.partition("/")[0] not in LOCAL_PROVIDERS]


def base_url_problem(config: CompareConfig) -> str | None:
    for model, args in api_entries(config):
        problem = missing_base_url(model, args.get("base_url"), named="model",
                                   give="give base_url in its args", give_key="give api_key: none in its args")
        if problem:
            return problem
    return None


def connection_problem(config: CompareConfig) -> str | None:
    """An API server that does not accept a connection, in one line: Inspect treats a refused
    connection as transient and retries it with backoff (minutes per call, then the task again)."""
    for model, args in api_entries(config):
        url = model_base_url(model, args)
        reason = unreachable(url, CONNECT_TIMEOUT) if url else None
        if reason:
            return (f"model {model}: cannot connect to {url} ({reason}); start the server there or correct "
                    "its base_url")
    return None


def one_line(message: object) -> str:
    """A message (Inspect's may span lines and carry rich markup) as one line."""
    return " ".join(re.sub(r"\[/?[a-z ]+\]", "", str(message)).split())


def run(config: CompareConfig, dry_run: bool, pilot: Path | None = None) -> None:
    calls, tokens = estimate_calls(config, pilot)
    api = [model for model, _ in api_entries(config)]
    print(f"{len(config.models)} model(s) × {len(config.tasks)} task(s): about {calls} model calls, "
          f"~{tokens / 1e6:.2f} M tokens in all; API models: {', '.join(dict.fromkeys(api)) or 'none'}")
    problem = base_url_problem(config)
    if problem:
        raise SystemExit(f"compare: {problem}")
    if dry_run:
        return
    problem = connection_problem(config)
    if problem:
        raise SystemExit(f"compare: {problem}")
    from inspect_ai import eval_set
    from inspect_ai.model import GenerateConfig, Model, get_model

    from cot_harness.providers.call_retry import guard_model

    def model(entry: dict[str, Any], role: str | None = None) -> Model:
        generate = GenerateConfig(max_retries=config.max_retries, timeout=config.timeout)
        if config.cache:
            generate = generate.merge(GenerateConfig(cache=cache_policy(entry)))
        built = get_model(entry["model"], role=role, config=generate, **(entry.get("args") or {}))
        guard_model(built)  # malformed API replies retried at the call (providers/call_retry.py)
        return built

    try:
        models = [model(m) for m in config.models]
        roles = {role: model({"model": name}, role) for role, name in config.model_roles.items()}
        tasks = [task_function(name) for spec in config.tasks for name in task_list(spec)]
        ok, logs = eval_set(tasks, model=models, task_args=config.task_args, log_dir=config.log_dir,
                            max_connections=config.max_connections, model_roles=roles or None,
                            retry_on_error=config.retry_on_error, fail_on_error=config.fail_on_error)
    except PrerequisiteError as error:  # UserInputError included: a task refusing its arguments, a model its files
        raise SystemExit(f"compare: {one_line(error.message)}") from None
    from cot_harness.reports.__main__ import build_report
    from cot_harness.reports.tables import ReportError

    try:
        build_report(Path(config.log_dir), Path(config.report))  # lists failed and partial runs first
        print(f"report: {config.report}/index.html")
    except ReportError as error:
        print(f"compare: no report: {error}")
    lost = sum(lost_samples(log) for log in logs)
    if not ok or lost:
        raise SystemExit(f"compare: not complete ({'some tasks failed; ' if not ok else ''}{lost} sample(s) lost); "
                         f"re-run the same command to resume ({config.log_dir})")


def lost_samples(log: Any) -> int:
    """Samples (× epochs) of a run's log that did not complete: errored, cancelled or never run. A
    log without results (every sample errored, or the task failed) counts all it was to run."""
    if log.results is not None and log.results.total_samples:
        return max(log.results.total_samples - log.results.completed_samples, 0)
    planned = (log.eval.dataset.samples or 0) * (log.eval.config.epochs or 1)
    return max(planned, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--pilot", type=Path, default=None,
                        help="log directory of a small pilot run (cache: false): tokens are measured per sample there")
    parser.add_argument("--out", default=None, help="the report's directory (instead of the config's report:)")
    args = parser.parse_args()
    config = CompareConfig.load(args.config)
    if args.out is not None:
        problem = output_problem("--out", args.out)
        if problem:
            raise SystemExit(f"compare: {problem}")
        config.report = args.out
    run(config, args.dry_run, args.pilot)


if __name__ == "__main__":
    main()
