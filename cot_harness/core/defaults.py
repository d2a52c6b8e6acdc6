"""Every default a run's numbers depend on, in one place (the task signatures, the solvers and
the statistics read them from here)."""

from __future__ import annotations

from typing import Literal, get_args

DEFAULT_N = 100  # items per run
DEFAULT_MAX_TOKENS = 1024  # a CoT's budget
ABDUCTION_MAX_TOKENS = 60  # an identity answer's budget
DEFAULT_SEED = 20231117  # bootstrap resampling seed of every interval

# Bumped whenever a prompt, an answer-reading rule or a scorer definition changes, so two logs
# made under different definitions can be told apart (``Task(version=…)``, in every log header).
# 1: first round. 2: answer outcomes (strict reader, all-pairs/_parsed conventions), judge
# templates, BIR conventions, repeated questions removed, distinct built-in items. 3: judges in
# the scorers (hint judges on switched answers only), verbalisation per channel (``either`` =
# thinking or visible answer), the keyword_generic classifier.
TASK_VERSION = 4

Forcing = Literal["auto", "prefill", "instruction"]
FORCING: tuple[str, ...] = get_args(Forcing)
