"""The one error type for input a user can fix (a file, a line, an item, a task parameter).

It subclasses Inspect's ``PrerequisiteError``, which ``inspect eval`` prints as its message
alone — no traceback — before exiting with status 1, so a bad ``-T`` value or a broken file
costs the user one line that names it. ``PrerequisiteError`` is private to Inspect; it comes
through ``providers/inspect_private.py``, the one module that imports private Inspect symbols.
"""

from __future__ import annotations

import functools
import sys
import typing
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from cot_harness.providers.inspect_private import PrerequisiteError

F = TypeVar("F", bound=Callable[..., Any])


class UserInputError(PrerequisiteError, ValueError):
    """Bad input; the message names the file, line, item or parameter and what to do."""

    def __init__(self, message: str) -> None:
        PrerequisiteError.__init__(self, message)
        ValueError.__init__(self, message)

    def __str__(self) -> str:
        return str(self.message)


class ScorerOptionError(PrerequisiteError):
    """A bad ``-S`` option of a scorer run by ``inspect score``. Not a ``ValueError``: Inspect's
    scorer loader takes any ``ValueError`` from a scorer's factory to mean "no such scorer" and
    prints only that the scorer couldn't be loaded, losing the option and the reason."""

    def __str__(self) -> str:
        return str(self.message)


def refuse_scorer_options(factory: F) -> F:
    """Re-raise a ``UserInputError`` from a scorer factory as a ``ScorerOptionError`` (under
    ``@scorer``), so ``inspect score -S classifier=nosuch`` prints the option and what is allowed."""

    @functools.wraps(factory)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return factory(*args, **kwargs)
        except UserInputError as error:
            keep_visible_when_quiet()
            raise ScorerOptionError(error.message) from None

    return typing.cast(F, checked)


def keep_visible_when_quiet() -> None:
    """Make a refused input print even under ``--display none``.

    Inspect prints a ``PrerequisiteError`` through rich's console, which ``--display none`` makes
    quiet: the run exits 1 with the reason lost. Called where the harness raises for the user (task
    construction), this wraps the process's exception hook once so the line goes to stderr when
    that console is quiet; every other exception goes to the hook it had."""
    previous = sys.excepthook
    if getattr(previous, "_harness_visible", False):
        return

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> Any:
        if isinstance(error, UserInputError | ScorerOptionError):
            import rich

            if rich.get_console().quiet:
                print(f"{error.message}", file=sys.stderr)  # type: ignore[attr-defined]
        return previous(kind, error, trace)

    hook._harness_visible = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def name_unknown_tasks(known: list[str]) -> None:
    """Add the typed name to Inspect's "No inspect tasks were found at the specified paths."

    A misspelt ``inspect eval cot_harness/early_answerin`` gets that line alone, without the name
    or the right spelling. Installed by the registry (which Inspect imports at start-up), this
    wraps the exception hook once: for that error it prints each ``cot_harness/<name>`` argument
    that names no task, with the closest task names, then lets Inspect's hook print its own line."""
    previous = sys.excepthook
    if getattr(previous, "_harness_names", False):
        return

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> Any:
        if isinstance(error, PrerequisiteError) and "No inspect tasks were found" in str(error.message):
            import difflib

            for arg in sys.argv[1:]:
                name = arg.split("@")[-1].removeprefix("cot_harness/")
                if arg.startswith("cot_harness/") and name not in known:
                    close = difflib.get_close_matches(name, known, n=2)
                    hint = f"; did you mean {' or '.join('cot_harness/' + c for c in close)}?" if close else ""
                    print(f"{arg}: no such task{hint} (python -m cot_harness lists them)", file=sys.stderr)
        return previous(kind, error, trace)

    hook._harness_names = True  # type: ignore[attr-defined]
    sys.excepthook = hook
