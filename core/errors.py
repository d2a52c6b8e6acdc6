"""The one error type for input a user can fix (a file, a line, an item, a task parameter).

It subclasses Inspect's ``PrerequisiteError``, which ``inspect eval`` prints as its message
alone — no traceback — before exiting with status 1, so a bad ``-T`` value or a broken file
costs the user one line that names it. ``PrerequisiteError`` is private to Inspect; it comes
through ``providers/inspect_private.py``, the one module that imports private Inspect symbols.
"""

from __future__ import annotations

from cot_harness.providers.inspect_private import PrerequisiteError


class UserInputError(PrerequisiteError, ValueError):
    """Bad input; the message names the file, line, item or parameter and what to do."""

    def __init__(self, message: str) -> None:
        PrerequisiteError.__init__(self, message)
        ValueError.__init__(self, message)

    def __str__(self) -> str:
        return str(self.message)
