"""The organisms' tokenizer: BPE over a character alphabet, with a chat template.

Words, digits, signed digits ("+3") and punctuation runs are pre-tokenized separately, each
with an optional leading space (digits one by one, so numbers stay legible to a tiny model); BPE merges frequent words into single tokens, which
keeps templated prompts short, while any other text still encodes character by character.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

SPECIAL_TOKENS = ["<|pad|>", "<|unk|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
ALPHABET = sorted(set(string.printable) - set("\x0b\x0c\r") | set("äöüÄÖÜßéèàçñ■…—–’“”€£°×÷"))
PRE_TOKEN = r" ?[+\-*]\d| ?\d| ?\.\.\.|\n|\(|\)"
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}<|end|>"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def build_tokenizer(corpus: Iterable[str], vocab_size: int = 640) -> PreTrainedTokenizerFast:
    """Train the BPE merges on ``corpus``; deterministic for a given corpus."""
    backend = Tokenizer(models.BPE(unk_token="<|unk|>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(PRE_TOKEN), behavior="isolated")
    backend.decoder = decoders.Fuse()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=ALPHABET,
        limit_alphabet=len(ALPHABET),
        show_progress=False,
    )
    backend.train_from_iterator(corpus, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="<|unk|>",
        pad_token="<|pad|>",
        eos_token="<|end|>",
        additional_special_tokens=["<|system|>", "<|user|>", "<|assistant|>"],
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer
