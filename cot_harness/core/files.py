"""Reading a user's files: UTF-8 text (a byte-order mark accepted) and YAML, each problem one line
naming the file (and line and column of a YAML syntax error, or the byte of a non-UTF-8 character)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cot_harness.core.errors import UserInputError


def read_text(path: Path, what: str = "file", error: type[UserInputError] = UserInputError) -> str:
    """``path`` as UTF-8 text (a byte-order mark, as Excel writes, is accepted); a missing file
    or a non-UTF-8 byte (with its offset) is one ``error``."""
    if not path.is_file():
        raise error(f"{what} {path}: no such file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise error(f"{path}: not UTF-8 (byte {bad.start}: {data[bad.start:bad.start + 1]!r}); "
                    "save it as UTF-8") from None


def load_yaml(path: Path, what: str = "YAML file") -> Any:
    """The parsed document; a syntax error is reported as ``file:line:column: problem``."""
    text = read_text(path, what)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        raise UserInputError(f"{where}: not valid YAML ({error.problem or error})") from None
    except yaml.YAMLError as error:
        raise UserInputError(f"{path}: not valid YAML ({error})") from None
