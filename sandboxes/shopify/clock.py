"""The sandbox's own time, so hours of webhook retries and bucket refills take milliseconds.

Sandbox time runs at `time_scale` times real time (0 freezes it) and jumps forward on
`advance`; everything time-dependent in the sandbox (timestamps, the cost bucket,
retry schedules, token expiry) reads this clock and nothing else.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class SandboxClock:
    """A clock that can run fast, stand still, or be moved forward."""

    def __init__(self, time_scale: float = 1.0, start: datetime | None = None) -> None:
        if time_scale < 0:
            raise ValueError("time_scale must not be negative")
        self._lock = threading.Lock()
        self._scale = time_scale
        self._origin = (start or datetime.now(UTC)).timestamp()
        self._origin_real = time.monotonic()
        self._offset = 0.0
        self._listeners: list[Callable[[], None]] = []

    @property
    def time_scale(self) -> float:
        """Return how many sandbox seconds pass per real second."""
        return self._scale

    def timestamp(self) -> float:
        """Return the sandbox time as seconds since the epoch."""
        with self._lock:
            elapsed = (time.monotonic() - self._origin_real) * self._scale
            return self._origin + elapsed + self._offset

    def now(self) -> datetime:
        """Return the sandbox time, timezone-aware, in UTC."""
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, seconds: float) -> datetime:
        """Move sandbox time forward by `seconds` and wake whoever waits on it."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds
            listeners = list(self._listeners)
        for listener in listeners:
            listener()
        return self.now()

    def resume(self, time_scale: float = 1.0) -> datetime:
        """Run at `time_scale` from the time it reads now (a frozen clock starts ticking)."""
        if time_scale < 0:
            raise ValueError("time_scale must not be negative")
        with self._lock:
            elapsed = (time.monotonic() - self._origin_real) * self._scale
            self._origin += elapsed + self._offset
            self._origin_real, self._offset, self._scale = time.monotonic(), 0.0, time_scale
        return self.now()

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call `listener` (without arguments) after every `advance`."""
        with self._lock:
            self._listeners.append(listener)

    def real_seconds_until(self, timestamp: float) -> float | None:
        """Return the real seconds until sandbox time reaches `timestamp`.

        None when time is frozen: only an `advance` will get there.
        """
        remaining = timestamp - self.timestamp()
        if remaining <= 0:
            return 0.0
        if self._scale == 0:
            return None
        return remaining / self._scale
