"""A local checkpoint directory, checked before and while it loads: one line naming the directory
and the file, never a transformers traceback.

Before loading (``check_directory``): ``config.json`` must be a JSON object; the weights must be
there (``model.safetensors``, a sharded index with its shards, or ``pytorch_model.bin``) and a
safetensors header must be readable; a tokenizer must be defined (a vocabulary file such as
``tokenizer.json``; ``tokenizer_config.json`` alone defines none), unless ``-M tokenizer_path`` or
``-M tokenizer`` gives one. A LoRA adapter directory (``adapter_config.json``) is left to peft.

While loading (``weights_fit``): transformers compares the weights with the model ``config.json``
describes and *logs* what does not fit — a weight the config asks for that the file lacks is
initialised at random, a weight the file holds for a layer the config does not have is dropped —
and raises only for a shape mismatch. Its report (the "LOAD REPORT" warning) is read through a
logging filter (no transformers code is patched) and a misfit becomes one line: a config edited
after training (``num_hidden_layers``, ``hidden_size``) would otherwise evaluate a model that is
partly random noise.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cot_harness.core.errors import UserInputError, keep_visible_when_quiet

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json")
# files that define a tokenizer's vocabulary (tokenizer_config.json only configures one)
VOCABULARY_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "vocab.txt", "spiece.model",
                    "sentencepiece.bpe.model", "tokenizer.tiktoken")


class CheckpointError(UserInputError):
    """A local model directory that cannot be evaluated as it is."""


def refuse(message: str) -> CheckpointError:
    keep_visible_when_quiet()  # a provider refusal must print under --display none too
    return CheckpointError(message)


def check_directory(path: Path, model_args: dict[str, Any]) -> None:
    """Config, weights and tokenizer of the checkpoint at ``path``, before anything loads."""
    if (path / "adapter_config.json").is_file():
        return  # a LoRA adapter: its base model and weights are peft's to find
    _check_config(path)
    _check_weights(path)
    if not (model_args.get("tokenizer_path") or model_args.get("tokenizer")):
        _check_tokenizer(path)


def _check_config(path: Path) -> None:
    config = path / "config.json"
    if not config.is_file():
        raise refuse(f"{config}: no such file (a model directory needs its config.json)")
    try:
        parsed = json.loads(config.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise refuse(f"{config}: not valid JSON (not UTF-8 text); restore it from the checkpoint") from None
    except json.JSONDecodeError as error:
        raise refuse(f"{config}: not valid JSON (line {error.lineno} column {error.colno}: {error.msg}); "
                     "restore it from the checkpoint") from None
    if not isinstance(parsed, dict):
        raise refuse(f"{config}: not a JSON object (got {type(parsed).__name__}); restore it from the checkpoint")


def _check_weights(path: Path) -> None:
    present = [name for name in WEIGHT_FILES if (path / name).is_file()]
    if not present:
        raise refuse(f"{path / 'model.safetensors'}: no such file, and no other weights in {path} "
                     f"({', '.join(WEIGHT_FILES[1:])}); copy the weights beside config.json")
    for index in (n for n in present if n.endswith(".index.json")):
        try:
            shards = sorted(set(json.loads((path / index).read_text(encoding="utf-8"))["weight_map"].values()))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise refuse(f"{path / index}: not a weight index (a JSON object with a weight_map)") from None
        missing = [s for s in shards if not (path / s).is_file()]
        if missing:
            raise refuse(f"{path / missing[0]}: no such file ({len(missing)} of the {len(shards)} shards "
                         f"{index} lists are missing)")
    if "model.safetensors" in present:
        _check_safetensors(path / "model.safetensors")


def _check_safetensors(file: Path) -> None:
    """The header (names and shapes) reads; the tensors themselves are not loaded."""
    from safetensors import safe_open

    try:
        with safe_open(str(file), framework="pt") as handle:
            handle.keys()
    except Exception as error:  # safetensors raises its own SafetensorError (and OSError)
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise refuse(f"{file}: not a readable safetensors file ({reason}); copy it again from the checkpoint") from None


def _check_tokenizer(path: Path) -> None:
    if any((path / name).is_file() for name in VOCABULARY_FILES) or any(path.glob("*.tiktoken")):
        return
    configured = (path / "tokenizer_config.json").is_file()
    try:  # some tokenizers keep their vocabulary under other names: the loader is the judge
        from transformers import AutoTokenizer

        AutoTokenizer.from_pretrained(str(path))
        return
    except Exception:
        pass
    alone = " (tokenizer_config.json alone defines no vocabulary)" if configured else ""
    raise refuse(f"{path / 'tokenizer.json'}: no such file, and no other tokenizer in {path}{alone}; "
                 "copy the tokenizer files beside config.json or give -M tokenizer_path=<dir>")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ROW = re.compile(r"^\s*(\S+)\s*\|\s*(MISSING|UNEXPECTED|MISMATCH|CONVERSION)\b", re.MULTILINE)
_INDEX = re.compile(r"(?<=\.)(?:\d+|\{[^}]*\})(?=\.|$)")


def _pattern(key: str) -> str:
    """``model.layers.3.mlp.up_proj.weight`` (or the report's ``model.layers.{3, 4}.…``) → ``model.layers.*.…``."""
    return _INDEX.sub("*", key)


class _LoadReport(logging.Filter):
    """Keeps transformers' loading report out of the output, for ``weights_fit`` to judge."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if "LOAD REPORT" in record.getMessage():
            self.reports.append(record)
            return False
        return True

    def rows(self) -> list[tuple[str, str]]:
        return [(key, status) for record in self.reports
                for key, status in _ROW.findall(_ANSI.sub("", record.getMessage()))]


@contextmanager
def weights_fit(path: Path) -> Iterator[_LoadReport]:
    """Around loading the checkpoint at ``path``: a shape mismatch (which transformers raises) or
    a missing weight (which it initialises at random) becomes one line; after the block the caller
    passes the loaded model's parameter names to ``check_unexpected``."""
    logger = logging.getLogger("transformers.modeling_utils")
    capture = _LoadReport()
    level = logger.level
    logger.addFilter(capture)
    if not logger.isEnabledFor(logging.WARNING):
        logger.setLevel(logging.WARNING)  # the report is a warning: read it even when transformers is quiet
    try:
        yield capture
    except RuntimeError:
        _refuse_misfit(path, capture.rows())
        raise
    finally:
        logger.removeFilter(capture)
        logger.setLevel(level)
    _refuse_misfit(path, capture.rows())


def _refuse_misfit(path: Path, rows: list[tuple[str, str]]) -> None:
    weights, config = _weights_name(path), path / "config.json"
    for wanted, what in (("MISMATCH", "has another shape in the weights than the config gives it"),
                         ("MISSING", "is asked for by the config but absent from the weights (it would be random)"),
                         ("CONVERSION", "could not be converted to the model the config describes")):
        keys = [key for key, status in rows if status == wanted]
        if keys:
            raise refuse(f"{weights} does not fit {config}: {keys[0]} {what}"
                         f"{f' (and {len(keys) - 1} more)' if len(keys) > 1 else ''}; was config.json edited "
                         "(num_hidden_layers, hidden_size…) or the weights copied from another model?")


def check_unexpected(path: Path, capture: _LoadReport, parameter_names: list[str]) -> None:
    """Weights the config has no place for, *in a structure the model has* (a layer past
    ``num_hidden_layers``), mean a config edited after training: refused. Other unexpected weights
    (a head of another task) are transformers' business: its report is passed on as it was."""
    known = {_pattern(name) for name in parameter_names}
    surplus = [key for key, status in capture.rows() if status == "UNEXPECTED" and _pattern(key) in known]
    if surplus:
        raise refuse(f"{_weights_name(path)} does not fit {path / 'config.json'}: {surplus[0]} has no place in "
                     f"the model the config describes{f' (and {len(surplus) - 1} more)' if len(surplus) > 1 else ''}; "
                     "was config.json edited (num_hidden_layers, hidden_size…) or the weights copied from another model?")
    for record in capture.reports:  # nothing refused: transformers' own report, as it would have printed
        logging.getLogger("transformers.modeling_utils").handle(record)


def _weights_name(path: Path) -> Path:
    return next((path / n for n in WEIGHT_FILES if (path / n).is_file()), path / "model.safetensors")
