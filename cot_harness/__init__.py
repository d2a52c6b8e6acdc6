"""CoT faithfulness harness on Inspect AI.

The layers, each importing only itself and the layers before it (``tests/test_structure.py``):

    core → loaders → providers → solvers → scorers → tasks → reports → organisms, chatbots

* ``core``: pure text and statistics — prompts, answer reading, step splitting, interventions,
  hints, statistics, errors, paths, and the abduction domain (roster, behaviour, identity);
* ``loaders``: datasets into Inspect samples;
* ``providers``: everything provider-specific (capabilities table, the harness's HF provider, the
  private Inspect symbols, listed in ``providers/inspect_private.py`` — the one module any layer
  may read, since it imports nothing of the harness);
* ``solvers``: what each test asks the model, recorded per sample (``solvers/records.py``);
* ``scorers``: per-sample scores and metrics from those records;
* ``tasks``: Inspect tasks and their descriptors, registered as ``cot_harness/<task>``;
* ``reports``: logs into tables, figures and statistics;
* ``organisms``, ``chatbots``: training tools (model organisms, the abduction fine-tuning pipeline).

Each layer is a folder of this package (``cot_harness/core/``, …), importable under this one name
only, so nothing generic (``reports``, ``solvers``) enters a user's environment. The checkout's
top-level ``tasks/`` holds generated entry files for ``inspect eval tasks/<file>.py``
(``tasks/_entry.py`` says why).
"""
