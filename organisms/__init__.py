"""Tiny transformers trained here whose chain-of-thought faithfulness is planted by construction."""

from pathlib import Path

ORGANISMS_DIR = Path(__file__).resolve().parent
