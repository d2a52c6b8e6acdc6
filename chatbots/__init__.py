"""The fictitious chatbots of the cross-context abduction experiments: roster, behaviour
scorers, identity reading, data generators, fine-tuning backends, checkpoint series."""

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
