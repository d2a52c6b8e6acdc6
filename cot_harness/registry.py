"""The ``inspect_ai`` entry point, which Inspect imports at the start of *every* run in this
environment: it registers the harness's model providers (``organism/``, ``local/``,
``harness-hf/``) and every ``@task`` of ``tasks/`` as ``cot_harness/<task>``, and loads no torch,
transformers, pandas or matplotlib — an unrelated eval pays nothing for the harness being
installed (benchmarks/startup.py measures it).

Providers follow Inspect's documented pattern: a ``@modelapi`` factory that imports the provider
class only when a model of that provider is created. Task modules import no heavy library at
module level (solvers reach a local model through ``providers/access.py``). A new task file is
picked up without an edit here.
"""

from __future__ import annotations

import importlib
from typing import Any

from inspect_ai.model import modelapi

from cot_harness.core.errors import name_unknown_tasks
from cot_harness.providers import api_checks
from cot_harness.tasks import task_module_names


@modelapi(name="harness-hf")
def harness_hf() -> type[Any]:
    from cot_harness.providers.hf import HarnessHFAPI

    return HarnessHFAPI


@modelapi(name="organism")
def organism() -> type[Any]:
    from cot_harness.providers.hf import OrganismAPI

    return OrganismAPI


@modelapi(name="local")
def local() -> type[Any]:
    from cot_harness.providers.hf import LocalCheckpointAPI

    return LocalCheckpointAPI


TASK_MODULES = [importlib.import_module(f"cot_harness.tasks.{name}") for name in task_module_names()]
name_unknown_tasks(sorted(name for module in TASK_MODULES for name in getattr(module, "DESCRIPTORS", {})))
api_checks.install()  # a missing base URL is named as such (providers/api_checks.py says how)
