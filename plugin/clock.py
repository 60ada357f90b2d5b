"""Time, as the product reads it: one clock per runtime, handed to whatever needs "now".

Nothing in the product calls `datetime.now()` itself. The runtime owns a clock
(the system's, unless a test or a replay gives another), the database hands it to
every session it opens, and code that needs the time asks the clock it was given.
A test that freezes time freezes it for every part of the code under test at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session


class Clock(Protocol):
    """Anything that tells the current time, timezone-aware."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        """Return the time the clock is set to."""
        return self._at

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta`; return the new time."""
        if delta < timedelta(0):
            raise ValueError("a clock only moves forward")
        self._at += delta
        return self._at


SYSTEM_CLOCK = SystemClock()


def clock_of(session: Session) -> Clock:
    """Return the clock of the database `session` was opened on."""
    return session.info.get("clock", SYSTEM_CLOCK)


def as_utc(moment: datetime | None) -> datetime | None:
    """Return `moment` in UTC; naive values (SQLite hands those back) are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
