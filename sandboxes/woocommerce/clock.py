"""The store's clock and its dates, in site time and in GMT.

WordPress keeps every date twice: `date_x` in the site's timezone and
`date_x_gmt` in UTC, both `YYYY-MM-DDTHH:MM:SS` without an offset. The clock
can be moved (for scenarios that need an order paid days ago); OAuth checks
keep using the real time, as the client signs with it.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


class Clock:
    """A UTC clock that can be set ahead or back, and the site's UTC offset."""

    def __init__(self, utc_offset: timedelta = timedelta(hours=1)) -> None:
        self.utc_offset = utc_offset
        self._skew = timedelta(0)
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the store's current time (UTC, whole seconds)."""
        with self._lock:
            skew, frozen = self._skew, self._frozen
        if frozen is not None:
            return frozen
        return (datetime.now(UTC) + skew).replace(microsecond=0)

    def freeze(self, moment: datetime) -> None:
        """Stop the clock at `moment`, so scenarios can replay exact dates."""
        with self._lock:
            self._frozen = moment.astimezone(UTC).replace(microsecond=0)

    def set(self, moment: datetime) -> None:
        """Make the store's clock read `moment` from now on (it keeps ticking)."""
        with self._lock:
            self._frozen = None
            self._skew = moment.astimezone(UTC) - datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        """Move the store's clock forward (or back, if negative)."""
        with self._lock:
            self._skew += timedelta(seconds=seconds)
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)

    def reset(self) -> None:
        """Go back to the real time."""
        with self._lock:
            self._skew = timedelta(0)
            self._frozen = None

    def local(self, moment: datetime | None) -> str | None:
        """Format `moment` in site time, as `date_x`."""
        if moment is None:
            return None
        return (moment.astimezone(UTC) + self.utc_offset).strftime("%Y-%m-%dT%H:%M:%S")

    def parse(self, text: str, *, gmt: bool = False) -> datetime | None:
        """Read a REST date: site time unless it carries an offset (or `gmt`)."""
        match = _ISO.match(text.strip())
        if not match:
            return None
        year, month, day, hour, minute, second, zone = match.groups()
        naive = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
        if zone:
            return naive.replace(tzinfo=UTC) - _offset(zone)
        if gmt:
            return naive.replace(tzinfo=UTC)
        return naive.replace(tzinfo=UTC) - self.utc_offset

    def local_date(self, moment: datetime) -> date:
        """Return the calendar day `moment` falls on in site time."""
        return (moment.astimezone(UTC) + self.utc_offset).date()


def gmt(moment: datetime | None) -> str | None:
    """Format `moment` in UTC, as `date_x_gmt`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _offset(zone: str) -> timedelta:
    if zone in ("Z", "z"):
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
