"""Register the context window of a local HF model with Inspect before a task runs.

Why: Inspect's live event mapping looks up model info by the model's name once per process.
For an ``hf/...`` (or ``organism/...``) name missing from its database it falls back to
instantiating a fresh provider with no model arguments: for a hub id that loads the weights a
second time (twice the memory: an 8B model would not fit on a 24 GB box), for ``hf/local`` it
asks the hub for a repository called "local" and retries for about a minute. A registered
entry short-circuits that lookup.
"""

from __future__ import annotations

from inspect_ai.model import ModelInfo, set_model_info
from inspect_ai.model._model import active_model
from inspect_ai.model._model_info import _get_custom_model_info


def _is_hf(api: object) -> bool:
    # by class name: importing the HF provider class would import torch for API runs too
    return any(cls.__name__ == "HuggingFaceAPI" for cls in type(api).__mro__)


def register_hf_model_info() -> None:
    """Record the active model's context window if it is a local HF model (no-op otherwise,
    and when a task is built outside an eval, where no model is active yet)."""
    model = active_model()
    if model is None or not _is_hf(model.api) or _get_custom_model_info(str(model)) is not None:
        return
    config = getattr(getattr(model.api, "model", None), "config", None)
    window = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    set_model_info(str(model), ModelInfo(context_length=window if isinstance(window, int) else None))
