"""What an API model needs before its first call, said in one line: a base URL (named as such), and
a server that answers at it.

**A missing base URL.** ``--model openai-api/<service>/<model>`` reads ``<SERVICE>_API_KEY`` and then
``<SERVICE>_BASE_URL``; with neither set, Inspect's provider reports the *key* ("No MYSERV_API_KEY
defined in the environment"), and a user who sets it is then told about the base URL. The provider
is built before any harness code runs (before the task), so this is caught where Inspect prints the
error: ``install()`` wraps the process's exception hook once (as ``core.errors.name_unknown_tasks``
does) and, for that error about an ``openai-api`` model on the command line without a base URL,
passes on one line naming ``<SERVICE>_BASE_URL`` and ``--model-base-url`` instead. Nothing of
Inspect is patched; any other error goes to the hook it had. The comparison runner, which builds its
models itself, asks ``missing_base_url`` directly.

**An unreachable server.** A connection refused is a transient fault to Inspect, retried with
backoff for minutes per call (and an ``eval_set`` retries the task after that). ``unreachable``
connects once, with a short timeout, so a runner can refuse a closed port before it starts.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from cot_harness.core.errors import UserInputError
from cot_harness.providers.inspect_private import PrerequisiteError

_OPENAI_API = re.compile(r"openai-api/([^/\s,'\"{}]+)/([^\s,'\"{}]+)")
_MARKUP = re.compile(r"\[/?[a-z ]+\]")
_NOT_DEFINED = re.compile(r"No (\w+) defined in the environment")


def service_variable(model: str) -> str | None:
    """``openai-api/my-serv/m`` → ``MY_SERV`` (the prefix of its ``_API_KEY`` / ``_BASE_URL`` variables)."""
    match = _OPENAI_API.fullmatch(model.strip())
    return match.group(1).upper().replace("-", "_") if match else None


def missing_base_url(model: str, base_url: str | None = None, named: str = "--model",
                     give: str = "pass --model-base-url <url>", give_key: str = "pass -M api_key=none") -> str | None:
    """One line when ``model`` is ``openai-api/<service>/…`` and no base URL reaches it (``base_url``:
    the one given with it, e.g. ``--model-base-url`` or ``-M base_url=``), else None. ``named``,
    ``give`` and ``give_key`` word it for where the model was written (the command line by default)."""
    prefix = service_variable(model)
    if prefix is None or base_url or os.environ.get(f"{prefix}_BASE_URL"):
        return None
    key = "" if os.environ.get(f"{prefix}_API_KEY") else (
        f" ({prefix}_API_KEY is not set either: export it, or {give_key} for a server that checks no key)")
    return (f"{named} {model}: no base URL: set {prefix}_BASE_URL=<url> (e.g. http://127.0.0.1:8000/v1) "
            f"or {give}{key}")


def missing_api_key(model: str, named: str = "--model") -> str:
    prefix = service_variable(model)
    return (f"{named} {model}: {prefix}_API_KEY is not set: export {prefix}_API_KEY=<key>, or pass "
            "-M api_key=<key> (-M api_key=none for a server that checks no key)")


def _argv_models(argv: list[str]) -> list[tuple[str, bool]]:
    """Each ``openai-api`` model on the command line (or in ``INSPECT_EVAL_MODEL``), and whether it
    is the evaluated model (``--model``, which ``--model-base-url`` and ``-M`` apply to) rather than a
    role's (``--model-role grader=…``)."""
    found = []
    for i, arg in enumerate(argv[1:], start=1):
        evaluated = argv[i - 1] == "--model" or arg.startswith("--model=")
        found += [(m.group(0), evaluated) for m in _OPENAI_API.finditer(arg)]
    found += [(m.group(0), True) for m in _OPENAI_API.finditer(os.environ.get("INSPECT_EVAL_MODEL", ""))]
    return found


def _argv_base_url(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--model-base-url" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--model-base-url="):
            return arg.partition("=")[2]
        if arg.startswith("base_url=") and i > 0 and argv[i - 1] == "-M":
            return arg.partition("=")[2]
    return os.environ.get("INSPECT_EVAL_MODEL_BASE_URL") or None


def explain(error: BaseException, argv: list[str]) -> str | None:
    """The one line that replaces Inspect's "No <SERVICE>_API_KEY/_BASE_URL defined" for an
    ``openai-api`` model of this command line, or None when ``error`` is something else."""
    if not isinstance(error, PrerequisiteError) or isinstance(error, UserInputError):
        return None
    match = _NOT_DEFINED.search(_MARKUP.sub("", str(error.message)))
    if not match:
        return None
    variable = match.group(1)
    for model, evaluated in _argv_models(argv):
        prefix = service_variable(model)
        if variable not in (f"{prefix}_API_KEY", f"{prefix}_BASE_URL"):
            continue
        named = "--model" if evaluated else "--model-role"
        given = _argv_base_url(argv) if evaluated else None
        return (missing_base_url(model, given, named=named,
                                 give="pass --model-base-url <url>" if evaluated else "give base_url in the role's spec")
                or missing_api_key(model, named))
    return None


def install() -> None:
    """Wrap the exception hook once (see the module docstring)."""
    previous = sys.excepthook
    if getattr(previous, "_harness_base_url", False):
        return

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> Any:
        line = explain(error, sys.argv)
        if line is not None:
            return previous(UserInputError, UserInputError(line), trace)
        return previous(kind, error, trace)

    hook._harness_base_url = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def proxied(url: str) -> bool:
    """Whether a client that honours the environment (as the API clients do) reaches ``url``
    through a proxy: ``HTTP(S)_PROXY``/``ALL_PROXY`` set and ``NO_PROXY`` not naming its host."""
    import urllib.request  # http.client and friends: imported on use

    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # stdlib, not in typeshed
    return not bypass(parts.hostname or "", proxies)


def unreachable(url: str, timeout: float = 5.0) -> str | None:
    """Why nothing answers at ``url`` (one TCP connection, ``timeout`` seconds), or None — also
    None behind a proxy, where a direct connection says nothing about the client's route."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    if proxied(url):
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"no answer from {parts.hostname}:{port} in {timeout:g} s"
    except OSError as error:
        return error.strerror or str(error) or type(error).__name__


def model_base_url(model: str, args: dict[str, Any]) -> str | None:
    """The base URL an API model will be sent to: ``base_url`` in its arguments, else its
    provider's ``<PROVIDER>_BASE_URL`` (``<SERVICE>_BASE_URL`` for ``openai-api``); None for a
    provider's default endpoint or a local model."""
    if args.get("base_url"):
        return str(args["base_url"])
    prefix = service_variable(model) or model.partition("/")[0].upper().replace("-", "_")
    return os.environ.get(f"{prefix}_BASE_URL") or None
