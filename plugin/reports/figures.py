"""Small statistics the outcome report gives: a median and a 90th percentile of durations."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Durations:
    """How long something took, over `count` incidents, in seconds."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Durations:
        """Summarise durations; the 90th percentile by nearest rank (a duration that occurred)."""
        if not seconds:
            return cls(0, None, None)
        ordered = sorted(seconds)
        p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
        return cls(len(ordered), float(statistics.median(ordered)), float(p90))

    def as_json(self) -> dict[str, Any]:
        """Return the figures as a dict."""
        return {
            "count": self.count,
            "median_seconds": self.median_seconds,
            "p90_seconds": self.p90_seconds,
        }


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, with `waiting` left out of both (their answer is not in yet)."""

    whole: int
    part: int
    waiting: int = 0

    @property
    def rate(self) -> float | None:
        """Return part / whole, None when whole is 0."""
        return round(self.part / self.whole, 4) if self.whole else None

    def as_json(self) -> dict[str, Any]:
        """Return the share as a dict."""
        return {"of": self.whole, "count": self.part, "waiting": self.waiting, "rate": self.rate}


@dataclass(frozen=True)
class TimingRow:
    """One duration figure as a table row: `reports outcomes` times in a spreadsheet."""

    figure: str
    count: int
    median_seconds: float | None
    p90_seconds: float | None

    def as_json(self) -> dict[str, Any]:
        """Return the row as a dict."""
        return asdict(self)


@dataclass(frozen=True)
class ShareRow:
    """One share figure as a table row."""

    figure: str
    of: int
    count: int
    waiting: int
    rate: float | None

    def as_json(self) -> dict[str, Any]:
        """Return the row as a dict."""
        return asdict(self)
