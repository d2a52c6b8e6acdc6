"""Every private Inspect symbol the harness uses, and nothing else: the one module that imports
``inspect_ai._…``. Inspect is pinned to the tested release (pyproject.toml); on an upgrade,
``tests/test_structure.py::test_the_private_inspect_contract_holds`` fails loudly, naming the symbol that moved or changed, before
any number can shift in silence.

It imports nothing of the harness, so the stated layers (``cot_harness/__init__.py``) allow every
layer to read it — only ``core.errors`` does, for ``PrerequisiteError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The exception ``inspect eval`` prints as one line (no traceback) before exiting 1.
from inspect_ai._util.error import PrerequisiteError

# Every registered model API (Inspect's providers, the harness's, other packages'), to name an
# unknown provider (``organsim/…``) before anything is built; ``get_model`` matches this way too.
from inspect_ai._util.registry import registry_find, registry_info, registry_unqualified_name

# The sample (id, epoch) a model call belongs to: seeds a sampled local request by what it
# answers, not by when it arrives (providers/hf_batching.py).
from inspect_ai.log._samples import sample_active

# The model of the eval being set up (tasks check parameters against it before any call).
from inspect_ai.model._model import active_model

# A model name's registered info (None when absent), without the fallback that instantiates
# a second provider (and so loads an HF model's weights twice) for an unknown name.
from inspect_ai.model._model_info import _get_custom_model_info as registered_model_info


def __getattr__(name: str) -> Any:
    """Inspect's HF provider (``HuggingFaceAPI``, which the harness's provider subclasses) and its
    module (``inspect_hf``, whose batch functions the harness's greedy queue drives), imported on
    first use: that module imports torch and transformers, which registering the harness must not."""
    if name in ("inspect_hf", "HuggingFaceAPI"):
        from inspect_ai.model._providers import hf as module

        return module if name == "inspect_hf" else module.HuggingFaceAPI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from inspect_ai.model._providers import hf as inspect_hf  # noqa: F401
    from inspect_ai.model._providers.hf import HuggingFaceAPI  # noqa: F401


def model_api_names() -> set[str]:
    """The provider prefixes ``get_model`` accepts (``openai-api``, ``organism``, …)."""
    return {registry_unqualified_name(registry_info(api)) for api in registry_find(lambda i: i.type == "modelapi")}


TESTED_INSPECT = "0.3.285"
# Batch functions of Inspect's HF module that providers/hf_batching.py calls.
HF_BATCH_FUNCTIONS = ("_drain_batches", "_generate_batch", "_QueueItem", "_batch_key", "GenerateInput",
                      "extract_logprobs", "chat_completion_assistant_message", "HFHandler")
# providers/hf.py mirrors HuggingFaceAPI.generate for greedy requests; this is the SHA-256 of that
# method's source in the tested release, so a changed method fails the contract test.
HF_GENERATE_SHA256 = "2f5ed6c5f4b521a1704f9415cb49e1676337b0756428908d65efc272e51bb370"

__all__ = ["HF_BATCH_FUNCTIONS", "HF_GENERATE_SHA256", "TESTED_INSPECT", "HuggingFaceAPI", "PrerequisiteError",
           "active_model", "inspect_hf", "model_api_names", "registered_model_info", "sample_active"]
