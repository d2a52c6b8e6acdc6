"""Logs → tidy pandas tables: one row per (log, metric), and per-sample curves."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.analysis import EvalColumn, EvalColumns, evals_df
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log

from cot_harness.reports.descriptors import log_descriptor, task_name
from cot_harness.reports.results import metric_values

# Inspect 0.3.285's evals_df reads its model_args column from eval.model_base_url: the same
# columns with that one corrected, so each local checkpoint's row keeps its model_path.
RUN_COLUMNS = [EvalColumn("model_args", path="eval.model_args") if column.name == "model_args" else column
               for column in EvalColumns]
INTERVAL_SUFFIXES = ("_lower", "_upper", "_n", "_mcnemar_p")
# Checkpoint-series labels (cot_harness.chatbots.series puts them in the eval metadata; k and chatbot are task
# args; the abduction tasks record their roster, so a control roster is never pooled with the default).
LABELS = ("checkpoint", "base_model", "treatment", "iteration", "seed", "k", "chatbot", "roster")


def labels(log: EvalLog) -> dict[str, Any]:
    found = {**(log.eval.metadata or {}), **{k: v for k, v in (log.eval.task_args or {}).items() if k in ("k", "chatbot")}}
    return {key: found.get(key) for key in LABELS}


def model_label(log: EvalLog) -> str:
    """``organism:faithful`` / ``hf:<dir>`` for local checkpoints (their model name is not
    unique: every local HF model is ``hf/local``), else the model name."""
    return label_for(log.eval.model, log.eval.model_args)


def label_for(model: str, model_args: dict[str, Any] | None) -> str:
    path = (model_args or {}).get("model_path")
    if path:
        return f"{model.split('/')[0]}:{Path(str(path)).name}"
    if model.startswith("organism/"):
        return f"organism:{model.split('/', 1)[1]}"
    return model


def conditions(logs: list[EvalLog], exclude: tuple[str, ...] = ("k", "chatbot")) -> dict[str, str]:
    """Log location → the task arguments that set its run apart from the other runs of the same
    task in ``logs`` ("dataset=gsm8k prompt_style=cot"; "" when none differ).

    Runs of one task with different arguments (dataset, prompt style, hint type, k …) reuse
    sample ids for different items or conditions, so every table keys by this: such runs are
    never pooled, paired or drawn as one line. ``exclude`` names arguments that already have
    their own column."""
    by_task: dict[str, list[EvalLog]] = {}
    for log in logs:
        by_task.setdefault(task_name(log), []).append(log)
    found: dict[str, str] = {}
    for group in by_task.values():
        args = [{k: v for k, v in (log.eval.task_args or {}).items() if k not in exclude} for log in group]
        varying = sorted(k for k in {k for a in args for k in a} if len({repr(a.get(k)) for a in args}) > 1)
        for log, a in zip(group, args):
            found[log.location] = " ".join(f"{k}={a.get(k)}" for k in varying)
    return found


def latest_last(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by log file name (creation time first), so ``keep="last"`` keeps a re-run's latest log."""
    return rows.sort_values("log", kind="stable") if "log" in rows else rows


def as_text(column: pd.Series) -> pd.Series:
    """Labels as text for legends and panel titles, "" where missing (numbers and None alike)."""
    return column.astype(object).where(column.notna(), "").astype(str)


def run_label(model: str, condition: str, forcing: str = "") -> str:
    """What a figure's legend calls one run: the model, its condition where runs differ, and how
    its answers were forced (prefill / instruction), so two methods are never read as one."""
    label = f"{model} [{condition}]" if condition else model
    return f"{label} ({forcing})" if forcing else label


def forcing_of(log: EvalLog) -> str:
    """How the run's answers were forced (``prefill``, ``prefill-fast``, ``instruction``, joined
    with "+" when samples differ), from the strategy each scorer records; "" for tests that
    force nothing."""
    found: set[str] = set()
    for sample in log.samples or []:
        for score in (sample.scores or {}).values():
            strategy = (score.metadata or {}).get("strategy")
            if isinstance(strategy, str):
                found.add(strategy)
    return "+".join(sorted(found))


def method_warnings(logs: list[EvalLog]) -> list[str]:
    """One line per task whose models were forced by different methods: their differences mix a
    faithfulness difference with the offset between prefill and the instruction fallback."""
    by_task: dict[str, dict[str, set[str]]] = {}
    for log in logs:
        forcing = forcing_of(log)
        if forcing:
            by_task.setdefault(task_name(log), {}).setdefault(model_label(log), set()).add(forcing)
    lines = []
    for task, by_model in sorted(by_task.items()):
        methods = {m.replace("prefill-fast", "prefill") for f in by_model.values() for m in f}
        if len(methods) > 1:
            detail = "; ".join(f"{model}: {', '.join(sorted(f))}" for model, f in sorted(by_model.items()))
            lines.append(f"{task}: answers were forced by different methods ({detail}); differences between these "
                         "models include the prefill-vs-instruction offset (docs/providers.md)")
    return lines


class ReportError(ValueError):
    """Logs a report cannot be built from; the message names the directory or the log at fault."""


def read_logs(log_dir: str | Path) -> list[EvalLog]:
    """The successful harness logs under ``log_dir`` (see ``read_headers``)."""
    return successful_logs(read_headers(log_dir))


def read_headers(log_dir: str | Path) -> list[EvalLog]:
    """The headers of every harness log under ``log_dir``. A missing directory, one without
    Inspect logs, one where no run succeeded, and any log of a task the harness does not define
    are refused (``ReportError``): a report of another task's log would put numbers under the
    wrong headings."""
    if not Path(log_dir).is_dir():
        raise ReportError(f"{log_dir} is not a directory")
    infos = list_eval_logs(str(log_dir))
    if not infos:
        raise ReportError(f"no Inspect logs under {log_dir} (expected the .eval files inspect eval writes)")
    headers = []
    for info in infos:
        try:
            headers.append(read_eval_log(info, header_only=True))
        except Exception as error:  # noqa: BLE001 - any unreadable file is reported by name
            raise ReportError(f"{info.name}: not a readable Inspect log ({type(error).__name__})") from None
    for header in headers:
        if log_descriptor(header) is None:
            raise ReportError(f"{Path(header.location).name}: task {task_name(header)!r} is not a harness task "
                              "(its log carries no harness descriptor); give a directory of harness logs")
    if not any(h.status == "success" and h.results for h in headers):
        statuses = ", ".join(sorted({h.status for h in headers}))
        raise ReportError(f"no successful run under {log_dir} ({len(headers)} log(s), status {statuses})")
    return headers


def successful_logs(headers: list[EvalLog]) -> list[EvalLog]:
    """The full logs (samples included) of the runs that succeeded."""
    return [read_eval_log(h.location) for h in headers if h.status == "success" and h.results]


def metric_table(logs: list[EvalLog]) -> pd.DataFrame:
    """Every headline metric with its 95 % interval and n: model, task, dataset, condition (see
    ``conditions``), run (legend label), metric, value, lower, upper, n, p (McNemar, paired
    metrics only), and the checkpoint-series labels."""
    rows: list[dict[str, Any]] = []
    condition = conditions(logs)
    for log in logs:
        assert log.results is not None
        forcing = forcing_of(log)
        total, scored = sample_counts(log)
        base = {"model": model_label(log), "task": task_name(log),
                "dataset": str((log.eval.task_args or {}).get("dataset", (log.eval.task_args or {}).get("path", ""))),
                "condition": condition[log.location], "forcing": forcing,
                "run": run_label(model_label(log), condition[log.location], forcing),
                "samples_total": total, "samples_scored": scored, "samples_errored": total - scored,
                "log": Path(log.location).name} | labels(log)
        for score in log.results.scores:
            m = metric_values(score)
            if "mean" in m:
                interval = "bootstrap_ci" if "bootstrap_ci_lower" in m else "wilson_ci"
                rows.append(base | {"metric": score.name, "value": m["mean"], "lower": m.get(f"{interval}_lower", math.nan),
                                    "upper": m.get(f"{interval}_upper", math.nan), "n": m.get("count", math.nan),
                                    "p": math.nan})
                continue
            for key, value in m.items():
                if key.endswith(INTERVAL_SUFFIXES):
                    continue
                rows.append(base | {"metric": key, "value": value, "lower": m.get(f"{key}_lower", math.nan),
                                    "upper": m.get(f"{key}_upper", math.nan), "n": m.get(f"{key}_n", math.nan),
                                    "p": m.get(f"{key}_mcnemar_p", math.nan)})
    return pd.DataFrame(rows)


def planned_samples(log: EvalLog) -> int:
    """Samples the run was asked for: the dataset cut by ``--limit`` (a count or a range) or
    ``--sample-id``, times the epochs — not the dataset's size, so a finished ``--limit 20`` run
    is complete."""
    config = log.eval.config
    items = log.eval.dataset.samples or 0
    if config.sample_id is not None:
        ids = config.sample_id if isinstance(config.sample_id, list) else [config.sample_id]
        items = min(items, len(ids)) if items else len(ids)
    elif isinstance(config.limit, int):
        items = min(items, config.limit)
    elif config.limit is not None:
        start, end = config.limit
        items = max(0, min(items, end) - start)
    return items * (config.epochs or 1)


def sample_counts(log: EvalLog) -> tuple[int, int]:
    """(samples the run was asked for, samples that finished and were scored), epochs counted."""
    planned = planned_samples(log)
    if log.results is not None:
        return max(log.results.total_samples, planned), log.results.completed_samples
    return planned, 0


@dataclass
class RunProblem:
    """A run that did not finish cleanly: failed, cancelled, or with errored samples."""

    log: str
    task: str
    model: str
    status: str
    samples_total: int
    samples_errored: int
    error: str

    def line(self) -> str:
        what = (f"{self.status}" if self.status != "success" else "partial") + (
            f", {self.samples_errored} of {self.samples_total} samples errored" if self.samples_errored else "")
        return f"{self.task} on {self.model}: {what}" + (f" ({self.error})" if self.error else "") + f" [{self.log}]"


def run_problems(headers: list[EvalLog]) -> list[RunProblem]:
    """Every run among ``headers`` that failed, was cancelled, or lost samples to errors: the
    report lists them first, so a failure is never hidden by the runs that worked."""
    problems = []
    for header in headers:
        total, scored = sample_counts(header)
        if header.status != "success" or scored < total:
            message = (header.error.message.strip().splitlines() or [""])[-1][:200] if header.error else ""
            problems.append(RunProblem(Path(header.location).name, task_name(header), model_label(header),
                                       header.status, total, total - scored, message))
    return problems


def run_table(log_dir: str | Path) -> pd.DataFrame:
    """One row per run (Inspect's own ``evals_df``): model, task, status, samples, timing, and the
    data read (dataset, its location: file or hub commit) with the number of items the loader rejected."""
    df = evals_df(str(log_dir), columns=RUN_COLUMNS, quiet=True)
    if "metadata" in df.columns:
        df["rejected_items"] = df["metadata"].map(_rejected_count)
    df["model_label"] = [label_for(model, _json(args)) for model, args in zip(df["model"], df["model_args"])]
    keep = [c for c in ("task_name", "model", "model_label", "model_args", "status", "total_samples", "completed_samples",
                        "dataset_name", "dataset_location", "rejected_items", "created", "log") if c in df.columns]
    return df[keep]


def token_table(headers: list[EvalLog]) -> pd.DataFrame:
    """Tokens each run used, from Inspect's per-model usage: the evaluated model's input, output
    and reasoning (thinking) tokens, and everything other models (judges, perturbers, predictors)
    used. Responses served from Inspect's cache cost nothing and count nothing; the HF fast path's
    tokens (its calls are not Inspect model events) are in each sample's record (``fast_path``)."""
    rows = []
    for header in headers:
        usage = header.stats.model_usage if header.stats else {}
        own = usage.get(header.eval.model)
        rows.append({"log": Path(header.location).name,
                     "tokens_input": own.input_tokens if own else 0,
                     "tokens_output": own.output_tokens if own else 0,
                     "tokens_reasoning": (own.reasoning_tokens or 0) if own else 0,
                     "tokens_other_models": sum(u.total_tokens for m, u in usage.items() if m != header.eval.model)})
    return pd.DataFrame(rows, columns=["log", "tokens_input", "tokens_output", "tokens_reasoning", "tokens_other_models"])


def cot_token_means(logs: list[EvalLog]) -> pd.DataFrame:
    """Per run, the mean thinking and answer tokens of the model's own CoTs (the Lanham tests'
    records, ``cot_token_split``): a reasoning model's thinking budget apart from its visible answer."""
    rows = []
    for log in logs:
        found = [record["cot_token_split"] for s in log.samples or [] for record in s.store.values()
                 if isinstance(record, dict) and isinstance(record.get("cot_token_split"), dict)]
        thinking = [f["thinking"] for f in found if f.get("thinking") is not None]
        answer = [f["answer"] for f in found if f.get("answer") is not None]
        rows.append({"log": Path(log.location).name,
                     "cot_tokens_thinking": sum(thinking) / len(thinking) if thinking else math.nan,
                     "cot_tokens_answer": sum(answer) / len(answer) if answer else math.nan})
    return pd.DataFrame(rows, columns=["log", "cot_tokens_thinking", "cot_tokens_answer"])


def _json(value: Any) -> dict[str, Any] | None:
    """A mapping from an ``evals_df`` cell (JSON text; missing values are NA)."""
    data = json.loads(value) if isinstance(value, str) else value
    return data if isinstance(data, dict) else None


def _rejected_count(metadata: Any) -> int | None:
    """How many items the task's loader rejected (``rejected_items`` in the task metadata)."""
    items = (_json(metadata) or {}).get("rejected_items")
    return len(items) if isinstance(items, list) else None


def curve_table(logs: list[EvalLog], task: str) -> pd.DataFrame:
    """Per-sample curve points (x = fraction of CoT before the answer/edit, same = answer
    unchanged) from the scores' metadata of ``task`` logs."""
    rows: list[dict[str, Any]] = []
    logs = [log for log in logs if task_name(log) == task]
    condition = conditions(logs)
    for log in logs:
        run = run_label(model_label(log), condition[log.location], forcing_of(log))
        for sample in log.samples or []:
            for score in (sample.scores or {}).values():
                curves = (score.metadata or {}).get("curves") or {}
                for x, same in zip(curves.get("x", []), curves.get("same", [])):
                    rows.append({"model": model_label(log), "run": run, "sample": sample.id, "epoch": sample.epoch,
                                 "x": float(x), "same": float(same)})
    return pd.DataFrame(rows)


# (task, condition, score key) → model → {sample id: value}: built once per report, read by several tables.
PerItem = dict[tuple[str, str, str], dict[str, dict[Any, float]]]


def per_item_values(logs: list[EvalLog]) -> PerItem:
    """(task, condition, score key) → model → {sample id: value averaged over epochs}, NaN
    values left out. The condition is every task argument that differs between runs of the
    task (``conditions`` with nothing excluded): runs at k=0 and k=3, or on two datasets,
    are never averaged together as if they were epochs.

    Epochs are averaged per question before any pairing, as Inspect's reducer does for the
    task's own metrics: epoch j of one model has nothing to do with epoch j of another, and
    treating epochs as separate items would shrink every paired interval."""
    found: dict[tuple[str, str, str], dict[str, dict[Any, list[float]]]] = {}
    condition = conditions(logs, exclude=())
    for log in logs:
        for sample in log.samples or []:
            for score in (sample.scores or {}).values():
                if not isinstance(score.value, dict):
                    continue
                for key, value in score.value.items():
                    if isinstance(value, int | float) and not math.isnan(float(value)):
                        found.setdefault((task_name(log), condition[log.location], key), {}).setdefault(
                            model_label(log), {}).setdefault(sample.id, []).append(float(value))
    return {item: {model: {sample: sum(v) / len(v) for sample, v in by_sample.items()}
                   for model, by_sample in by_model.items()} for item, by_model in found.items()}


def paired_comparisons(per: PerItem) -> pd.DataFrame:
    """Model-vs-model differences on the same items (``per_item_values``), per task, condition
    and per-sample 0/1 or continuous score key: mean difference, its interval and exact McNemar
    p for 0/1 keys, by the same rule as the tasks' paired metrics (``paired_estimate``)."""
    rows = []
    for (task, condition, key), by_model in sorted(per.items()):
        for pair in model_pairs(by_model):
            p = pair.pop("p")
            rows.append({"task": task, "condition": condition, "metric": key, **pair, "mcnemar_p": p})
    return pd.DataFrame(rows)


def model_pairs(by_model: dict[str, dict[Any, float]]) -> list[dict[str, Any]]:
    """Every pair of models with at least two items in common: model_a, model_b, n and the
    paired difference a − b with its interval and p (``paired_estimate``: Newcombe and exact
    McNemar for 0/1 values, paired bootstrap otherwise)."""
    from cot_harness.core.defaults import DEFAULT_SEED
    from cot_harness.core.stats import paired_estimate

    pairs = []
    models = sorted(by_model)
    for i, a in enumerate(models):
        for b in models[i + 1:]:
            shared = sorted(set(by_model[a]) & set(by_model[b]), key=str)
            if len(shared) < 2:
                continue
            diff, lower, upper, p = paired_estimate([by_model[a][s] for s in shared], [by_model[b][s] for s in shared],
                                                    seed=DEFAULT_SEED)
            pairs.append({"model_a": a, "model_b": b, "n": len(shared), "diff": diff, "lower": lower, "upper": upper,
                          "p": p})
    return pairs
