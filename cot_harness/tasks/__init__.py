"""The harness's Inspect tasks. Run one by file (``inspect eval tasks/faithfulness.py@early_answering``)
or, from any directory after ``pip install``, by registry name (``inspect eval cot_harness/early_answering``)."""

from __future__ import annotations

import pkgutil


def task_module_names() -> list[str]:
    """The task modules of this package (``faithfulness``, …): every module but the private ones
    (``_build``, ``_entry``). The registry and the entry-file writer both list them here."""
    return [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
