"""A shop's working calendar: when a promise made in business days falls due.

Handling times are promised in business days of the shop's own timezone: an order
paid on Friday evening in Madrid with two days' handling must ship by the end of
Tuesday there, not 48 hours later, and a public holiday moves that by a day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plugin.errors import InvalidInput

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class ShopCalendar:
    """The days a shop works, in its own timezone."""

    timezone: str = "UTC"
    holidays: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})  # date.weekday() numbers

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InvalidInput(
                f"unknown timezone {self.timezone!r}; use an IANA name such as 'Europe/Madrid'"
            ) from error
        if len(self.weekend) >= 7 or not self.weekend <= set(range(7)):
            raise InvalidInput("the weekend must be some of the days 0 (Monday) to 6 (Sunday)")

    @classmethod
    def of(
        cls,
        timezone: str = "UTC",
        holidays: Iterable[date | str] = (),
        weekend: Iterable[int] | None = None,
    ) -> ShopCalendar:
        """Build a calendar from settings as stored (holidays as ISO dates).

        No `weekend` is Saturday and Sunday; an empty one is a shop that works every day.
        """
        days = frozenset(day if isinstance(day, date) else _iso_date(day) for day in holidays)
        rest = frozenset({SATURDAY, SUNDAY}) if weekend is None else frozenset(weekend)
        return cls(timezone, days, rest)

    @property
    def zone(self) -> ZoneInfo:
        """Return the shop's timezone."""
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        """Tell whether the shop works on `day`."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def local_day(self, moment: datetime) -> date:
        """Return the shop's calendar day at `moment`."""
        return moment.astimezone(self.zone).date()

    def end_of_business_days(self, start: datetime, days: int) -> datetime:
        """Return when the `days`-th business day after `start`'s day ends, in UTC.

        The day `start` falls on does not count (it is usually half gone), so a
        promise of 0 days ends with the day itself.
        """
        if days < 0:
            raise ValueError("a number of business days cannot be negative")
        day = self.local_day(start)
        for _ in range(days):
            day = self.next_business_day(day)
        return self.start_of(day + timedelta(days=1))

    def next_business_day(self, day: date) -> date:
        """Return the first business day after `day`."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def start_of(self, day: date) -> datetime:
        """Return the moment `day` begins in the shop's timezone, in UTC."""
        return datetime.combine(day, time(0), self.zone).astimezone(UTC)

    def business_days_between(self, start: datetime, end: datetime) -> int:
        """Count the business days after `start`'s day up to and including `end`'s day."""
        first, last = self.local_day(start), self.local_day(end)
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_business_day(day)
        return count


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(f"holiday {text!r} is not a date (YYYY-MM-DD)") from error
