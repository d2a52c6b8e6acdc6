"""The harness's Inspect tasks. Run one by file (``inspect eval tasks/faithfulness.py@early_answering``)
or, from any directory after ``pip install``, by registry name (``inspect eval cot_harness/early_answering``)."""
