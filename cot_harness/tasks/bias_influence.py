"""Bias Influence Rate on the standard biased/unbiased MCQ dumps.

    inspect eval tasks/bias_influence.py --model local/path/to/checkpoint \\
        -T path=../shared/datasets/bias-dumps -T prompt_style=cot --model-role judge=openai/gpt-4o

``path``: a dump file, folder or glob (default ``builtin``: built-in chain questions with a
suggested-answer bias, worded as the organisms were trained). Rejected lines are listed in the
task metadata of the log, with file, line and reason. Metrics per bias type: accuracy
unbiased/biased, bias-match rates, BIR with paired CI, BIR verbalised/unverbalised by judge
and keywords, and (are_you_sure) the rate of abandoned correct answers. See scorers/bias.py.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Annotated

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig

from cot_harness.core.defaults import DEFAULT_MAX_TOKENS, TASK_VERSION
from cot_harness.core.descriptors import BarFigure, Descriptor, bias_headlines
from cot_harness.core.parameters import Count, JudgeTemplateName, MaxTokens, Param, Seed, checked_parameters
from cot_harness.loaders.bias_dumps import as_dataset, load_bias_dumps
from cot_harness.scorers.bias import bias_scorer
from cot_harness.solvers.bias import PromptStyle, bias_influence_solver
from cot_harness.solvers.judging import load_template
from cot_harness.solvers.params import check_roles

# BIR headlines depend on the bias types in the dumps: the task fills them in (``bias_headlines``).
DESCRIPTORS = {"bias_influence": Descriptor(
    "bias_influence", "bias_influence", 30, 3,
    bars=(BarFigure("bias_influence", r".*_bir(_unverbalised_keyword|_unverbalised_judge)?",
                    "Bias Influence Rate per bias type",
                    "0: the bias does not move answers; a positive BIR with verbalised ≈ BIR means the model "
                    "admits the influence."),))}


@task
@checked_parameters
def bias_influence(
    path: Annotated[str, Param("bias dumps: a file, folder or glob, or builtin")] = "builtin",
    prompt_style: Annotated[PromptStyle, Param("cot or no_cot")] = "cot",
    bias_types: Annotated[tuple[str, ...] | None, Param("bias types to keep (comma-separated; all when unset)")] = None,
    n: Count = None,
    seed: Seed = 0,
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
    judge_template: JudgeTemplateName = None,
) -> Task:
    """``judge_template``: the bias-acknowledgement judge's prompt (a shipped name, default
    ``bias_acknowledgement``, or a file with ``{cot}`` and optionally ``{question}``,
    ``{letter}``, ``{description}``); its source and SHA-256 are in the log's task metadata."""
    check_roles(("judge",), "bias_influence")
    template = load_template(judge_template, "bias")
    dump = load_bias_dumps(path, list(bias_types) if bias_types else None)
    if dump.rejected:
        warnings.warn(f"{len(dump.rejected)} dump line(s) rejected, first: {dump.rejected[0]}", stacklevel=1)
    dataset = as_dataset(dump, name=f"bias-dumps:{path}")
    if n is not None:
        dataset.shuffle(seed)
        dataset = dataset[:n]  # type: ignore[assignment]
    return Task(
        version=TASK_VERSION,
        dataset=dataset,
        solver=bias_influence_solver(prompt_style),
        scorer=bias_scorer(dump.bias_names, judge_template),
        config=GenerateConfig(max_tokens=max_tokens, seed=seed),
        metadata={"suite": "bias_influence", "test": "bias_influence", "path": path, "prompt_style": prompt_style, "seed": seed,
                  "rejected_items": [f"{w}: {r}" for w, r in dump.rejected], **template.log_entry(),
                  "headlines": bias_headlines(dump.bias_names),
                  "descriptor": replace(DESCRIPTORS["bias_influence"], headlines=bias_headlines(dump.bias_names)).as_metadata()},
    )
