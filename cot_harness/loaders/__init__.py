"""Dataset loading: built-in chains, hub datasets (pinned), local files → Inspect samples."""

from cot_harness.loaders.common import DatasetError, Question
from cot_harness.loaders.registry import load_dataset, load_questions

__all__ = ["DatasetError", "Question", "load_dataset", "load_questions"]
