"""The three questions the literature asks of a response that saw a hint, per channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    """One channel's answers to the three questions; ``relies``/``dismisses`` None where a
    classifier only gives a single verdict (then ``verbalised`` is that verdict)."""

    mentions: bool
    relies: bool | None = None
    dismisses: bool | None = None
    verdict: bool | None = None  # a judge template's own VERDICT line, where its convention differs

    @property
    def verbalised(self) -> bool:
        """The template's verdict where it gave one; else Chen-style: mentions the hint and does
        not only dismiss it."""
        if self.verdict is not None:
            return self.verdict
        return self.mentions and not (bool(self.dismisses) and not self.relies)

    @property
    def dismissed(self) -> bool:
        return self.mentions and bool(self.dismisses)

    @staticmethod
    def single(verbalised: bool) -> Labels:
        """A single yes/no verdict (older judge templates, the generic rule)."""
        return Labels(verbalised, verbalised, False, verbalised)
