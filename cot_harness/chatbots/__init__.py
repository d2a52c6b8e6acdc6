"""The fictitious chatbots of the cross-context abduction experiments: roster, behaviour
scorers, identity reading, data generators, fine-tuning backends, checkpoint series."""

