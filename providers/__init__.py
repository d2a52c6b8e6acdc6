"""Everything provider-specific, in one place: what each provider can do (``capabilities``), the
harness's Hugging Face provider (``hf``: prefill, greedy fast batching, model info, KV-cache
prefix scoring) and the private Inspect symbols it relies on (``inspect_private``)."""
