"""The harness's Hugging Face provider: Inspect's HF provider plus what the Lanham tests need.

* ``--model organism/<name>``: a checked-in organism by name (or a path);
* ``--model local/<dir>``: any local checkpoint, each directory its own model name (Inspect's cache
  keys on the name and ignores ``model_path``, so ``hf/local`` would let two checkpoints share answers);
* ``--model harness-hf/<hub id or name>``: any HF model, loaded exactly as ``hf/`` loads it
  (``-M model_path=…`` and every ``hf/`` model argument work).

On top of Inspect's ``HuggingFaceAPI`` (a subclass: nothing of Inspect is patched):

* **prefill** — a trailing assistant message marked by the forcing code is continued, not closed
  (the prompt is rendered with the model's own chat template and the prefill appended unclosed);
  plain ``hf/`` closes it, so the harness uses the instruction fallback there;
* **greedy fast batching** (``providers/hf_batching.py``);
* **model info** — the context window registered under the model's name when it loads, so Inspect's
  lookup never instantiates a second provider (for a hub id that would load the weights twice;
  for ``hf/local`` it asks the hub for a repository called "local" and retries for about a minute);
* **direct access** for KV-cache prefix scoring and name log-likelihoods (``providers/access.py`` ``local_lm``).

Local directories are checked before and while loading — a typo, a corrupt ``config.json``, missing
or unreadable weights, weights that do not fit the config, a missing tokenizer: each one line naming
the file (``providers/checkpoint.py``), not a transformers traceback — as are the model arguments
(``-M device=cuda`` without CUDA, ``-M do_sample=maybe``); the hub is kept offline for local
directories, and decoding defaults to greedy (option log-probabilities are exact only
under greedy decoding). Registered through the ``inspect_ai`` entry point (``cot_harness.registry``).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprobs,
    ModelInfo,
    ModelOutput,
    ModelUsage,
    set_model_info,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from cot_harness.core.errors import UserInputError
from cot_harness.core.paths import ORGANISMS_DIR
from cot_harness.providers import hf_batching
from cot_harness.providers.capabilities import PREFILL_MARK
from cot_harness.providers.checkpoint import check_directory, check_unexpected, refuse, weights_fit
from cot_harness.providers.inspect_private import HuggingFaceAPI, inspect_hf, registered_model_info


class OrganismNotFound(UserInputError):
    """No model directory at the given organism name or path."""


def resolve_organism(name: str) -> Path:
    """The model directory for a checked-in organism name or a path; a clear error if absent."""
    path = Path(name) if ("/" in name or Path(name).exists()) else ORGANISMS_DIR / name
    if not (path / "config.json").is_file():
        known = sorted(p.name for p in ORGANISMS_DIR.iterdir() if (p / "config.json").is_file())
        raise OrganismNotFound(
            f"no such model directory: {path} (no config.json there) "
            f"(checked-in organisms: {', '.join(known)}; train one with python -m cot_harness.organisms.train <name>)"
        )
    return path


def check_local_directory(path: Path, model_args: dict[str, Any]) -> None:
    """A local checkpoint must have a readable config.json, its weights and a tokenizer (or be
    given one): each fault is one line naming the directory and the file (``providers/checkpoint.py``)."""
    check_directory(path, model_args)


BOOL_MODEL_ARGS = ("do_sample", "hidden_states", "enable_thinking", "use_chat_template", "trust_remote_code")


def check_model_args(model_args: dict[str, Any]) -> None:
    """``-M`` values as Inspect's YAML reading hands them over (``-M do_sample=maybe`` is the string
    "maybe", which transformers would take as true): the bool arguments must be true or false (0 and
    1 are taken as such), and a device must exist here."""
    for name in BOOL_MODEL_ARGS:
        value = model_args.get(name)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int) and value in (0, 1):
            model_args[name] = bool(value)
            continue
        raise refuse(f"-M {name}={value}: must be true or false")
    device = model_args.get("device")
    if device is None or not isinstance(device, str | int) or isinstance(device, bool):
        return
    import torch

    text = str(device)
    if (isinstance(device, int) or text.startswith("cuda")) and not torch.cuda.is_available():
        raise refuse(f"-M device={text}: no CUDA device here; leave -M device unset (or -M device=cpu) to run on "
                     "the CPU, or run on a machine with a GPU")
    if isinstance(device, int) or text.startswith("cuda"):
        suffix = text.partition(":")[2] if not isinstance(device, int) else str(device)
        if not (suffix or "0").isdigit():
            raise refuse(f"-M device={text}: not a device (cuda, cuda:<index>, cpu or mps)")
        index = int(suffix or 0)
        if index >= torch.cuda.device_count():
            raise refuse(f"-M device={text}: this machine has {torch.cuda.device_count()} CUDA device(s) "
                         f"(cuda:0 to cuda:{torch.cuda.device_count() - 1})")
    if text.startswith("mps") and not torch.backends.mps.is_available():
        raise refuse(f"-M device={text}: no MPS (Apple GPU) device here; leave -M device unset or use -M device=cpu")


class HarnessHFAPI(HuggingFaceAPI):
    """Inspect's HF provider with prefill, greedy fast batching and model info (module docstring)."""

    PROVIDER = "harness-hf"  # the registered name, the prefix of the model's name in logs

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        check_model_args(model_args)
        model_path = model_args.get("model_path")
        if model_path is None or not Path(str(model_path)).is_dir():
            super().__init__(model_name, base_url, api_key, config, **model_args)
        else:
            directory = Path(str(model_path))
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            check_local_directory(directory, model_args)
            with weights_fit(directory) as load_report:
                super().__init__(model_name, base_url, api_key, config, **model_args)
            check_unexpected(directory, load_report, [name for name, _ in self.model.named_parameters()])
        self._register_model_info()

    def _register_model_info(self) -> None:
        name = f"{self.PROVIDER}/{self.model_name}"
        if registered_model_info(name) is None:
            set_model_info(name, ModelInfo(context_length=LocalLM(self).context_length()))

    def hf_chat(self, messages: list[ChatMessage], tools: list[ToolInfo]) -> str:
        """The prompt; a trailing assistant message marked ``PREFILL_MARK`` is continued, unclosed."""
        last = messages[-1] if messages else None
        if isinstance(last, ChatMessageAssistant) and (last.metadata or {}).get(PREFILL_MARK):
            return str(super().hf_chat(messages[:-1], tools)) + last.text
        return str(super().hf_chat(messages, tools))

    async def generate(self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice,
                       config: GenerateConfig) -> ModelOutput:
        """``HuggingFaceAPI.generate`` of the tested Inspect release, sending the request to the
        harness's batcher (the contract test fails if Inspect's method changes)."""
        self._register_model_info()  # again here: a memoised model outlives a cleared info cache
        handler = inspect_hf.HFHandler(self.model_name, self.model_family()) if len(tools) > 0 else None
        chat = self.hf_chat(input, tools)
        assert isinstance(self.tokenizer_call_args, dict)
        tokenizer = functools.partial(self.tokenizer, return_tensors="pt", padding=True, **self.tokenizer_call_args)  # type: ignore[misc]
        kwargs: dict[str, Any] = dict(do_sample=self.do_sample)
        for field, keyword in (("max_tokens", "max_new_tokens"), ("temperature", "temperature"), ("top_p", "top_p"),
                               ("top_k", "top_k"), ("logprobs", "output_logits")):
            if getattr(config, field) is not None:
                kwargs[keyword] = getattr(config, field)
        if self.hidden_states is not None:
            kwargs["output_hidden_states"] = self.hidden_states
        if config.stop_seqs is not None:
            from transformers.generation import StopStringCriteria

            kwargs["stopping_criteria"] = [StopStringCriteria(self.tokenizer, config.stop_seqs)]
        kwargs["return_dict_in_generate"] = True
        generator = functools.partial(self.model.generate, **kwargs)
        decoder = functools.partial(self.tokenizer.batch_decode, skip_special_tokens=True,
                                    clean_up_tokenization_spaces=False)
        response = await hf_batching.batched_generate(inspect_hf.GenerateInput(
            input=chat, device=self.model.device, tokenizer=tokenizer, generator=generator, decoder=decoder,
            batch_size=config.max_connections or self.max_connections()), seed=config.seed)
        final_logprobs = None
        if config.logprobs is not None:
            final_logprobs = inspect_hf.extract_logprobs(response=response, top=config.top_logprobs,
                                                         tokenizer=self.tokenizer)
        choice = ChatCompletionChoice(
            message=inspect_hf.chat_completion_assistant_message(response, tools, handler, self.model_name),
            logprobs=Logprobs(content=final_logprobs) if final_logprobs is not None else None)
        return ModelOutput(
            model=self.model_name, choices=[choice],
            usage=ModelUsage(input_tokens=response.input_tokens, output_tokens=response.output_tokens,
                             total_tokens=response.total_tokens),
            time=response.time,
            metadata=({"hidden_states": response.hidden_states}
                      if response.hidden_states is not None else None))


class _CheckedDirectoryAPI(HarnessHFAPI):
    """A model named by its directory: checked before loading, offline and greedy by default."""

    def __init__(self, model_name: str, base_url: str | None = None, api_key: str | None = None,
                 config: GenerateConfig = GenerateConfig(), **model_args: Any) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        path = resolve_organism(model_name)  # checked as a local directory when it loads (HarnessHFAPI)
        model_args.setdefault("do_sample", False)
        super().__init__(model_name, base_url, api_key, config, model_path=str(path), **model_args)


class OrganismAPI(_CheckedDirectoryAPI):
    """``--model organism/<name>``: a checked-in organism by name (or a path)."""

    PROVIDER = "organism"


class LocalCheckpointAPI(_CheckedDirectoryAPI):
    """``--model local/<dir>``: any local HF checkpoint, with the same checks, offline and greedy;
    each directory is its own model name."""

    PROVIDER = "local"


PROVIDERS = (HarnessHFAPI, OrganismAPI, LocalCheckpointAPI)  # registered lazily by cot_harness/registry.py


@dataclass(frozen=True)
class LocalLM:
    """What the harness reads from a local HF model directly (the fast path's KV cache, name
    log-likelihoods, token counts, the context check): its chat rendering, tokenizer and torch model."""

    api: HuggingFaceAPI

    def render(self, messages: list[ChatMessage]) -> str:
        return str(self.api.hf_chat(messages, []))

    @property
    def tokenizer(self) -> Any:
        return self.api.tokenizer

    @property
    def torch_model(self) -> Any:
        return self.api.model

    @property
    def tokenizer_call_args(self) -> dict[str, Any]:
        return dict(self.api.tokenizer_call_args or {})

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def context_length(self) -> int | None:
        config = getattr(self.api.model, "config", None)
        window = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
        return window if isinstance(window, int) else None

