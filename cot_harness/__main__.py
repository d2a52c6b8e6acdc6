"""``python -m cot_harness``: every registered task (``inspect eval cot_harness/<task>`` runs it
from any directory) and the harness's model providers."""

from __future__ import annotations

import inspect

from cot_harness.providers.hf import HarnessHFAPI, LocalCheckpointAPI, OrganismAPI
from cot_harness.registry import TASK_MODULES
from cot_harness.reports.known_tasks import descriptors, harness_tasks


def main() -> None:
    files = harness_tasks()
    functions = {name: getattr(module, name) for module in TASK_MODULES for name in getattr(module, "DESCRIPTORS", {})}
    print("tasks (inspect eval cot_harness/<task>, or inspect eval <file>@<task> in a checkout):")
    for name, descriptor in descriptors().items():
        summary = (inspect.getdoc(functions[name]) or "").split("\n")[0]
        print(f"  cot_harness/{name:<24} {files[name]:<30} {descriptor.suite:<18} {summary}")
    print("model providers (--model <provider>/<name>):")
    for api in (OrganismAPI, LocalCheckpointAPI, HarnessHFAPI):
        print(f"  {api.PROVIDER + '/':<12} {(inspect.getdoc(api) or '').splitlines()[0]}")


if __name__ == "__main__":
    main()
