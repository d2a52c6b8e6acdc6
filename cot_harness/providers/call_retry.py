"""Malformed API replies retried at the call, a bounded number of times, then one clear error.

An OpenAI-compatible server (a proxy, a gateway, a local server under load) sometimes answers HTTP
200 with something that is not a completion: ``choices: []``, an error object in place of the
completion, or an assistant message holding only a tool call when no tool was offered. Inspect
retries HTTP faults, not these: the first fails the sample with an ``IndexError``, the second with
a ``TypeError``, and the third sends ``generate()``'s tool loop round and round (the unknown tool's
error goes back, the server answers with another tool call) until a limit the harness's tasks do
not set: a run hung for minutes. Each is a transient fault of *one call*: sent again, the same
request gets a completion.

Where this sits, and why. The harness's solvers call ``Model.generate`` in a dozen places, Inspect's
``generate(state)`` loop among them, so a check at each call site would miss some, and the tool loop
is Inspect's. Inspect's retry loop (around ``ModelAPI.generate``) retries what the provider's
``should_retry`` accepts, which a subclass could widen only for a provider of its own: ``openai-api/``
is Inspect's. Inspect's public hooks see usage, not replies, swallow their exceptions, and a
registered hook makes Inspect print a banner on every run (which would break the harness's one-line
refusals). So the provider *instance* of each model the harness evaluates is wrapped once
(``guard_model``; no class of Inspect is changed): its ``generate`` checks the reply and sends the
same request again, up to ``tries`` times with a short backoff (0.5 s doubling, at most 8 s), inside
the one call Inspect made. A malformed reply is therefore never cached, scored or counted, and no
sample is lost to one. For OpenAI-compatible providers the body is judged in ``on_response`` (the
provider's hook for custom response handling, called before Inspect parses the choices). HF and
mock models, whose replies are built locally, are left as they are.

When. ``guard_eval_models`` guards the evaluated model and every bound model role; the harness
calls it where it first looks at the model under evaluation — ``providers.access.local_lm``, which
every suite task calls while it is built (the context-window check) and the solvers call per sample
— and the comparison runner guards each model it builds. Tasks that never reach harness code before
their first call (the abduction tasks whose solver is Inspect's plain ``generate()``) are guarded
only under the comparison runner.

``tries``: one more than ``--max-retries`` when it is set (0 sends each request once), else 5. After
the last, the call raises ``MalformedReplyError`` naming the model, the base URL and the fault;
Inspect does not retry it, and ``--retry-on-error`` retries the sample as for any error.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from inspect_ai.model import GenerateConfig, Model, ModelOutput, model_roles

logger = logging.getLogger(__name__)

DEFAULT_TRIES = 5
MAX_TRIES = 11
_GUARDED = "_cot_harness_guarded"


class MalformedReply(RuntimeError):
    """One reply that is not a completion (raised and caught inside the guarded call)."""

    def __init__(self, fault: str) -> None:
        super().__init__(fault)
        self.fault = fault


class MalformedReplyError(RuntimeError):
    """The last try of a call got a malformed reply too: the message names model, URL and fault."""


def body_fault(response: dict[str, Any]) -> str | None:
    """What is wrong with an OpenAI-style chat completion body, or None."""
    error = response.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        return f"an error object in an HTTP 200 reply ({str(message)[:120]!r})"
    if not response.get("choices"):
        return "an empty choices list" if isinstance(response.get("choices"), list) else "a reply without choices"
    return None


def output_fault(output: ModelOutput, offered_tools: bool) -> str | None:
    """What is wrong with a provider's parsed reply, or None."""
    if not output.choices:
        return "an empty choices list"
    if not offered_tools:
        for choice in output.choices:
            calls = choice.message.tool_calls or []
            if calls:
                names = ", ".join(sorted({c.function for c in calls}))
                alone = "only " if not choice.message.text.strip() else ""
                return f"{alone}a tool call ({names}) though no tool was offered"
    return None


def tries_for(config: GenerateConfig) -> int:
    return DEFAULT_TRIES if config.max_retries is None else min(max(config.max_retries, 0) + 1, MAX_TRIES)


def _backoff(attempt: int) -> float:
    return float(min(0.5 * 2 ** (attempt - 1), 8.0))


def guard_model(model: Model) -> bool:
    """Wrap ``model``'s provider instance once (module docstring); False when left as it is."""
    api = model.api
    local = any(c.__name__ in ("HuggingFaceAPI", "MockLLM") for c in type(api).__mro__)  # replies built here
    if getattr(api, _GUARDED, False) or local:
        return False
    name = str(model)
    original_generate = api.generate
    original_on_response = getattr(api, "on_response", None)
    if callable(original_on_response):  # OpenAI-compatible: the body, before Inspect parses its choices

        def on_response(response: dict[str, Any]) -> None:
            fault = body_fault(response)
            if fault is not None:
                raise MalformedReply(fault)
            original_on_response(response)

        api.on_response = on_response  # type: ignore[attr-defined]

    async def generate(input: Any, tools: Any, tool_choice: Any, config: GenerateConfig) -> Any:
        tries = tries_for(config)
        for attempt in range(1, tries + 1):
            fault: str | None
            try:
                result = await original_generate(input=input, tools=tools, tool_choice=tool_choice, config=config)
            except MalformedReply as error:
                fault = error.fault
            else:
                output = result[0] if isinstance(result, tuple) else result
                fault = output_fault(output, bool(tools)) if isinstance(output, ModelOutput) else None
                if fault is None:
                    return result
            if attempt == tries:
                raise MalformedReplyError(
                    f"{name}: {tries} malformed repl{'y' if tries == 1 else 'ies in a row'} from "
                    f"{api.base_url or 'the provider'} ({fault}); gave up on this call (the server is misbehaving: "
                    "check it; --retry-on-error retries the sample)")
            logger.warning(f"{name}: malformed reply ({fault}); sending the request again ({attempt}/{tries - 1})")
            await anyio.sleep(_backoff(attempt))
        raise AssertionError("unreachable")

    api.generate = generate  # type: ignore[method-assign]
    setattr(api, _GUARDED, True)
    return True


def guard_eval_models(model: Model | None) -> None:
    """Guard ``model`` and every model role bound in the eval being set up or run (a judge, a
    predictor, a perturber); called where the harness first looks at the model it evaluates."""
    if model is not None:
        guard_model(model)
    try:
        roles = model_roles()
    except Exception:  # outside an eval: no roles to guard
        return
    for bound in roles.values():
        for one in bound if isinstance(bound, list) else [bound]:
            if isinstance(one, Model):
                guard_model(one)
