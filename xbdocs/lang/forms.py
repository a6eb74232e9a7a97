"""The result of inflecting: the form, and a doubt when the engine is not sure of it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Inflected:
    text: str
    #: Why the form may be wrong (an unknown word, a guessed reading); None when sure.
    doubt: str | None = None
