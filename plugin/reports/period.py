"""The stretch of time a report covers: from `since` (included) to `until` (excluded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from plugin.errors import InvalidInput

DEFAULT_DAYS = 30  # what a report covers when no first day is asked for


@dataclass(frozen=True)
class Period:
    """Times in UTC; a report counts what happened at `since` and before `until`."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        """Refuse an empty or backwards period."""
        if self.until <= self.since:
            raise InvalidInput(
                f"the period ends ({self.until.date()}) before it starts ({self.since.date()})"
            )

    @classmethod
    def of_days(cls, since: date, until: date) -> Period:
        """Return the days from `since` through `until`, both whole (UTC)."""
        start = datetime.combine(since, time(), tzinfo=UTC)
        return cls(start, datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC))

    @classmethod
    def asked(
        cls, since: date | None, until: date | None, today: date, days: int = DEFAULT_DAYS
    ) -> Period:
        """Return the whole days asked for: by default the `days` days up to `today`."""
        last = until or today
        return cls.of_days(since or last - timedelta(days=days - 1), last)

    @classmethod
    def last(cls, days: int, now: datetime) -> Period:
        """Return the `days` days up to `now`."""
        return cls(now - timedelta(days=days), now)

    @property
    def length(self) -> timedelta:
        """Return how long the period is."""
        return self.until - self.since

    def previous(self) -> Period:
        """Return the period of the same length just before this one."""
        return Period(self.since - self.length, self.since)
