"""Which shops exist, remembered for a few seconds per process.

Every delivery names its shop; looking it up each time would cost a database
round trip per webhook on the hottest path. Known shops are kept briefly (a new
shop is found at once, since misses are never remembered; a removed one is
forgotten within the TTL).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Directory(Generic[T]):
    """A tiny thread-safe cache of found values with a time to live."""

    def __init__(self, ttl_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl_seconds
        self._clock = clock
        self._found: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        """Return the value for `key`, loading it when unknown or stale."""
        now = self._clock()
        with self._lock:
            entry = self._found.get(key)
        if entry is not None and now - entry[0] < self.ttl:
            return entry[1]
        value = load()
        if value is not None:
            with self._lock:
                self._found[key] = (now, value)
        return value

    def clear(self) -> None:
        """Forget everything (tests, or after a shop changed its secrets)."""
        with self._lock:
            self._found.clear()
