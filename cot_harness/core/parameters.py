"""Task parameters, declared once and checked in one place.

Each ``@task`` declares its parameters in its own signature: a type (``int``, ``float``, ``bool``,
``str``, a ``Literal`` of allowed values, ``tuple[str, ...]`` for a list, each ``| None`` where
unset is allowed) and, through ``Annotated[…, Param(help, …)]``, a one-line help, a range and
extra checks. ``@checked_parameters`` (under ``@task``) turns whatever Inspect's ``-T`` parser
hands over into that type before the task body runs, or refuses in one line naming the
parameter, the value and what is allowed.

Why a layer of its own: ``-T`` values are YAML-parsed before a task sees them — ``a,b`` arrives
as a list, ``mmlu:`` as a dict, ``true`` as a bool, ``1`` as an int — so a task that parses its
own strings crashes or silently misreads on exactly what users type. The same declarations feed
``python -m cot_harness --options`` and docs/parameters.md.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar

from cot_harness.core.defaults import Forcing
from cot_harness.core.errors import UserInputError, keep_visible_when_quiet

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger(__name__)

# Task name → its declared parameter names, for every checked task loaded so far. A run of several
# tasks (``inspect eval tasks/faithfulness.py``, ``eval_set``, the series and comparison runners)
# passes every ``-T`` to each task, and the task modules are imported before any task is called.
LOADED_TASK_PARAMETERS: dict[str, frozenset[str]] = {}
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


@dataclass(frozen=True)
class Param:
    """What a parameter means and allows, beyond its type."""

    help: str
    minimum: float | None = None
    maximum: float | None = None
    # extra checks: each returns None when the value is fine, else what is wrong ("must contain {name}")
    checks: tuple[Callable[[Any], str | None], ...] = field(default=())


@dataclass(frozen=True)
class Declared:
    """One parameter as a task declares it (read from its signature)."""

    name: str
    kind: Any  # the type without Annotated and None
    optional: bool
    default: Any
    param: Param

    @property
    def choices(self) -> tuple[Any, ...] | None:
        base = _element(self.kind) if self.is_list else self.kind
        return typing.get_args(base) if typing.get_origin(base) is Literal else None

    @property
    def is_list(self) -> bool:
        return typing.get_origin(self.kind) in (tuple, list)

    def type_name(self) -> str:
        base = _element(self.kind) if self.is_list else self.kind
        word = ("one of " + ", ".join(map(str, self.choices))) if self.choices else getattr(base, "__name__", str(base))
        word = f"comma-separated list, each {word}" if self.is_list else word
        return f"{word} (or unset)" if self.optional else word


def _element(kind: Any) -> Any:
    args = typing.get_args(kind)
    return args[0] if args else str


def declared_parameters(func: Callable[..., Any]) -> list[Declared]:
    """The parameters ``func`` declares, in signature order (``**`` catch-alls excluded)."""
    hints = typing.get_type_hints(func, include_extras=True)
    found = []
    for name, parameter in inspect.signature(func).parameters.items():
        if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        hint = hints.get(name, Any)
        param = Param(help="")
        if typing.get_origin(hint) is Annotated:
            hint, *extras = typing.get_args(hint)
            param = next((e for e in extras if isinstance(e, Param)), param)
        members = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
        optional = type(None) in members
        rest = [m for m in members if m is not type(None)]
        kind = rest[0] if len(rest) == 1 else (typing.Union[tuple(rest)] if rest else Any)  # noqa: UP007
        found.append(Declared(name, kind, optional, parameter.default, param))
    return found


def _refuse(name: str, value: Any, what: str) -> UserInputError:
    return UserInputError(f"-T {name}={_shown(value)}: {what}")


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}:{'' if v is None else _shown(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _scalar(declared: Declared, kind: Any, value: Any) -> Any:
    """One value (not a list) as ``kind``, or a ``UserInputError``."""
    name = declared.name
    if typing.get_origin(kind) is Literal:
        allowed = typing.get_args(kind)
        for option in allowed:
            if value == option or (isinstance(value, str | int) and not isinstance(value, bool) and str(value) == str(option)):
                return option
        raise _refuse(name, value, f"choose one of {', '.join(map(str, allowed))}")
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str | int) and str(value).strip().lower() in TRUE_WORDS + FALSE_WORDS:
            return str(value).strip().lower() in TRUE_WORDS
        raise _refuse(name, value, "must be true or false")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            return int(value)
        raise _refuse(name, value, "must be a whole number")
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(str(value))
        except ValueError:
            raise _refuse(name, value, "must be a number") from None
    if kind is str or kind is Any:
        if isinstance(value, dict):  # YAML made "mmlu:" or "a: b" a mapping: give the text back
            return _shown(value)
        if isinstance(value, bool | int | float | str):
            return str(value) if kind is str else value
    raise _refuse(name, value, f"must be {declared.type_name()}")


def _in_range(declared: Declared, value: Any) -> None:
    low, high = declared.param.minimum, declared.param.maximum
    if isinstance(value, int | float) and not isinstance(value, bool):
        if low is not None and value < low:
            raise _refuse(declared.name, value, f"must be at least {low:g}")
        if high is not None and value > high:
            raise _refuse(declared.name, value, f"must be at most {high:g}")


def coerce(declared: Declared, value: Any) -> Any:
    """``value`` as ``declared`` wants it, or one line saying why not."""
    name = declared.name
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null") and declared.optional):
        if declared.optional:
            return None
        raise _refuse(name, value, f"needs a value ({declared.type_name()})")
    if declared.is_list:
        element = _element(declared.kind)
        items: Sequence[Any]
        if isinstance(value, list | tuple):
            items = value
        elif isinstance(value, str):
            items = [part for part in value.split(",")]
        elif isinstance(value, dict):
            raise _refuse(name, value, f"must be a {declared.type_name()}")
        else:
            items = [value]
        items = [i.strip() if isinstance(i, str) else i for i in items]
        if not items or any(i in ("", None) for i in items):
            raise _refuse(name, value, f"must be a {declared.type_name()}, with no empty item")
        result = tuple(_scalar(declared, element, item) for item in items)
        for item in result:
            _in_range(declared, item)
        if len(set(result)) < len(result):
            raise _refuse(name, value, "lists an item twice")
    else:
        if isinstance(value, list | tuple):
            raise _refuse(name, value, f"takes one value, not a list ({declared.type_name()})")
        result = _scalar(declared, declared.kind, value)
        _in_range(declared, result)
    for check in declared.param.checks:
        problem = check(result)
        if problem:
            raise _refuse(name, value, problem)
    return result


def checked_parameters(func: F) -> F:
    """Check and convert every argument of a task function by its declaration, and refuse a
    parameter no loaded task has (Inspect itself would only log a warning and run without it). A
    parameter of another loaded task is dropped for this one with a warning: a run of several tasks
    hands every ``-T`` to each (``inspect eval tasks/faithfulness.py -T forcing=prefill`` reaches
    ``cot_vs_no_cot``, which has no forcing)."""
    declarations = {d.name: d for d in declared_parameters(func)}
    signature = inspect.signature(func)
    LOADED_TASK_PARAMETERS[func.__name__] = frozenset(declarations)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop("model", None)
        for name in [k for k in kwargs if k not in declarations]:
            others = sorted(t for t, names in LOADED_TASK_PARAMETERS.items() if name in names)
            if not others:
                raise UserInputError(f"-T {name}: {func.__name__} has no such parameter; its parameters are "
                                     f"{', '.join(declarations)} (python -m cot_harness --options {func.__name__})")
            logger.warning(f"-T {name}: not a parameter of {func.__name__} (it is one of {', '.join(others)}); "
                           f"ignored for {func.__name__}")
            del kwargs[name]
        bound = signature.bind(*args, **kwargs)
        converted = {name: coerce(declarations[name], value) for name, value in bound.arguments.items()}
        return func(**converted)

    @functools.wraps(func)
    def visible(*args: Any, **kwargs: Any) -> Any:
        try:
            return wrapper(*args, **kwargs)
        except UserInputError:
            keep_visible_when_quiet()
            raise

    # Inspect passes every -T key to a function that takes **kwargs, so unknown ones reach the check above
    catch_all = inspect.Parameter("unknown_parameters", inspect.Parameter.VAR_KEYWORD)
    visible.__signature__ = signature.replace(parameters=[*signature.parameters.values(), catch_all])  # type: ignore[attr-defined]
    visible.__checked_parameters__ = True  # type: ignore[attr-defined]
    return typing.cast(F, visible)


def is_checked(func: Callable[..., Any]) -> bool:
    return bool(getattr(func, "__checked_parameters__", False) or
                getattr(getattr(func, "__wrapped__", None), "__checked_parameters__", False))


def options_text(func: Callable[..., Any]) -> list[str]:
    """One line per parameter: name, type, default, help (``python -m cot_harness --options``)."""
    lines = []
    for d in declared_parameters(func):
        default = "unset" if d.default is None else _shown(d.default)
        lines.append(f"-T {d.name}=…  {d.type_name()}; default {default}. {d.param.help}".rstrip())
    return lines


def _needs(text: str) -> Callable[[Any], str | None]:
    return lambda value: None if value is None or text in str(value) else f"must contain {text}"


needs_field = _needs  # e.g. Param("…", checks=(needs_field("{name}"),))

# --- the parameters most tasks share -----------------------------------------------------------
DatasetName = Annotated[str, Param(
    "questions: builtin, builtin:free, builtin:hard, gsm8k, aqua, bbh:<task>, arc_easy, arc_challenge, "
    "mmlu:<subject>, logiqa, truthfulqa_mc, openbookqa, or a local .jsonl/.csv (docs/datasets.md)")]
Count = Annotated[int | None, Param("how many items (all when unset)", minimum=1)]
Seed = Annotated[int, Param("seed for item sampling, hint letters and generation", minimum=0)]
MaxTokens = Annotated[int, Param("token limit of each generation", minimum=1)]
ForcingMode = Annotated[Forcing, Param(
    "how an answer is forced after an edited CoT: auto, prefill or instruction (docs/providers.md)")]
HubPath = Annotated[str | None, Param("a local copy of a hub dataset (file or folder)")]
Revision = Annotated[str | None, Param("a hub commit other than the pinned one")]
AnswerIndex = Annotated[Literal[0, 1] | None, Param("a local file's numeric answers count options from 0 or 1")]
BadItems = Annotated[Literal["refuse", "skip"], Param(
    "a local file's bad items: refuse the file naming the line, or skip them and list them in the log")]
JudgeTemplateName = Annotated[str | None, Param("judge prompt: a shipped template's name or a file")]
