"""The two-organism comparison of docs/compare.example.yaml as an Inspect Flow spec.

    pip install inspect-flow            # optional; the harness's own runner needs nothing extra
    flow run docs/compare.flow.py --no-store-write
    python -m cot_harness.reports logs/flow-compare --out report/flow-compare

Tasks are named through the harness's registry (``cot_harness/<task>``); each model keeps the
harness's cache key (model, arguments, and a local checkpoint's path and file times:
``cot_harness.reports.compare.cache_policy``), so two checkpoints are never served each other's
answers. A re-run resumes (Flow drives Inspect's ``eval_set``: finished tasks are skipped).
"""

from inspect_ai.model import GenerateConfig
from inspect_flow import FlowModel, FlowOptions, FlowSpec, tasks_matrix

from cot_harness.reports.compare import cache_policy, task_problem

TASKS = ["cot_harness/cot_vs_no_cot", "cot_harness/early_answering"]
MODELS = [{"model": "organism/faithful"}, {"model": "organism/posthoc"}]

for spec in TASKS:  # the harness's own check: a typo is one line before anything runs
    if problem := task_problem(spec):
        raise SystemExit(f"docs/compare.flow.py: {spec}: {problem}")

FlowSpec(
    log_dir="logs/flow-compare",
    options=FlowOptions(retry_attempts=3, max_tasks=2),
    tasks=tasks_matrix(
        task=TASKS,
        args=[{"n": 20, "max_tokens": 96}],
        model=[FlowModel(name=m["model"], config=GenerateConfig(cache=cache_policy(m))) for m in MODELS],
    ),
)
