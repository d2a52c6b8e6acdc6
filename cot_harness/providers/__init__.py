"""Everything provider-specific, in one place: what each provider can do (``capabilities``), the
harness's Hugging Face provider (``hf``: prefill, greedy fast batching, model info, KV-cache
prefix scoring) with its checks of a local checkpoint directory (``checkpoint``), what an API model
needs before its first call (``api_checks``: a base URL, a server that answers), malformed API
replies retried at the call (``call_retry``) and the private Inspect symbols it relies on
(``inspect_private``)."""
