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

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig

from cot_harness.core.defaults import DEFAULT_MAX_TOKENS, TASK_VERSION
from cot_harness.core.descriptors import BarFigure, Descriptor, bias_headlines
from cot_harness.loaders.bias_dumps import as_dataset, load_bias_dumps
from cot_harness.scorers.bias import bias_scorer
from cot_harness.solvers.bias import PromptStyle, bias_influence_solver
from cot_harness.solvers.judging import load_template
from cot_harness.solvers.params import check_roles, integer, one_of, optional_integer

# BIR headlines depend on the bias types in the dumps: the task fills them in (``bias_headlines``).
DESCRIPTORS = {"bias_influence": Descriptor(
    "bias_influence", "bias_influence", 30, 3,
    bars=(BarFigure("bias_influence", r".*_bir(_unverbalised_keyword|_unverbalised_judge)?",
                    "Bias Influence Rate per bias type",
                    "0: the bias does not move answers; a positive BIR with verbalised ≈ BIR means the model "
                    "admits the influence."),))}


@task
def bias_influence(
    path: str = "builtin",
    prompt_style: PromptStyle = "cot",
    bias_types: str | None = None,
    n: int | None = None,
    seed: int = 0,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    judge_template: str | None = None,
) -> Task:
    """``judge_template``: the bias-acknowledgement judge's prompt (a shipped name, default
    ``bias_acknowledgement``, or a file with ``{cot}`` and optionally ``{question}``,
    ``{letter}``, ``{description}``); its source and SHA-256 are in the log's task metadata."""
    n, seed = optional_integer("n", n, minimum=1), integer("seed", seed)
    max_tokens = integer("max_tokens", max_tokens, minimum=1)
    one_of("prompt_style", prompt_style, ("cot", "no_cot"))
    check_roles(("judge",), "bias_influence")
    template = load_template(judge_template, "bias")
    wanted = [b.strip() for b in bias_types.split(",")] if bias_types else None
    dump = load_bias_dumps(path, wanted)
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
                  "headlines": bias_headlines(dump.bias_names)},
    )
