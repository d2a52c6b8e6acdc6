"""Tiny transformers trained here whose chain-of-thought faithfulness is planted by construction."""

from cot_harness.core.paths import ORGANISMS_DIR

__all__ = ["ORGANISMS_DIR"]
