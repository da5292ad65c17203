"""A span of characters in a document's normalised text: what every fact and quote points into."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
