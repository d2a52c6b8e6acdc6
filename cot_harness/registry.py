"""The ``inspect_ai`` entry point: importing it registers the harness's model providers
(``organism/``, ``local/``, ``harness-hf/``) and every ``@task`` of ``tasks/`` as
``cot_harness/<task>``, so ``inspect eval cot_harness/early_answering`` and
``inspect list tasks`` work from any directory. A new task file is picked up without an edit here."""

from __future__ import annotations

import importlib
import pkgutil

import cot_harness.tasks
from cot_harness.core.errors import name_unknown_tasks
from cot_harness.providers import hf as _providers  # noqa: F401  (registers the model APIs)

TASK_MODULES = [importlib.import_module(f"cot_harness.tasks.{m.name}")
                for m in pkgutil.iter_modules(cot_harness.tasks.__path__) if not m.name.startswith("_")]
name_unknown_tasks(sorted(name for module in TASK_MODULES for name in getattr(module, "DESCRIPTORS", {})))
