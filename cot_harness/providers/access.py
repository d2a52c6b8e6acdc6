"""What solvers may ask of the model under evaluation, without importing any provider's code.

A solver asks here — never the HF provider class — whether it can read a model directly (the
KV-cache fast path, prefix scores, name log-likelihoods, token counts, the context check). Only a
model whose provider *is* a local Hugging Face one gets an answer, and then torch is loaded
already (the provider loaded the weights); for every other model this module loads nothing, so
registering and building the harness's tasks stays free of torch and transformers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from inspect_ai.model import Model

from cot_harness.providers import call_retry

if TYPE_CHECKING:
    from cot_harness.providers.hf import LocalLM


def is_local_hf(model: Model | None) -> bool:
    """The model's provider is Inspect's HF provider or one of the harness's subclasses of it."""
    api = getattr(model, "api", None)
    return api is not None and any(c.__name__ == "HuggingFaceAPI" for c in type(api).__mro__)


def local_lm(model: Model | None) -> LocalLM | None:
    """Direct access to ``model`` when it is a local HF model, else None. Any other model (an
    API's) is first guarded, with the eval's bound roles, against malformed replies
    (``providers/call_retry.py``: this is where the harness first looks at the model it evaluates,
    while each suite task is built, and again in the solvers)."""
    if is_local_hf(model):
        from cot_harness.providers.hf import LocalLM

        return LocalLM(model.api)  # type: ignore[union-attr,arg-type]
    if model is not None:
        call_retry.guard_eval_models(model)
    return None


T = TypeVar("T")


def inference_mode(function: Callable[..., T]) -> Callable[..., T]:
    """``torch.inference_mode`` applied when the function is called, so a module that scores local
    models directly can be imported without loading torch."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        import torch

        with torch.inference_mode():
            return function(*args, **kwargs)

    return wrapper
