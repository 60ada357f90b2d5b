"""What a report page or API call asked for: the days, the grouping, the trend's step.

The same query parameters serve the JSON API, the panel's pages and the WordPress
plugin: `since` and `until` (whole days, YYYY-MM-DD, UTC; by default the 30 days up
to today), `by` (reason, product or sku), `every` (week or month). A value that
cannot be used is an `InvalidFilter` naming its field: a 400 from the API, a message
beside the field on a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from plugin.errors import InvalidInput
from plugin.incidents.inbox import InvalidFilter
from plugin.reports import GROUPINGS, Period
from plugin.reports.buckets import EVERY

LONGEST = timedelta(days=3 * 366)  # what one report may cover: a few years, not all time
# The days a report may name: wide enough for any shop's history and plans, and far
# enough from the calendar's ends that a period, its default start and the period
# before it are all days too.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)
FORMATS = ("json", "csv")


@dataclass(frozen=True)
class ReportFilter:
    """The report's days and how its rows are grouped."""

    since: date | None = None
    until: date | None = None
    by: str = "reason"
    every: str = "week"

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> ReportFilter:
        """Read the query parameters; raise `InvalidFilter` for the first one that is wrong."""
        since, until = _day(args, "since"), _day(args, "until")
        if since and until and until < since:
            raise InvalidFilter("until", f"{until} is before since ({since}); swap them")
        return cls(since, until, _one_of(args, "by", GROUPINGS), _one_of(args, "every", EVERY))

    def period(self, today: date) -> Period:
        """Return the days asked for, as of `today`."""
        try:
            period = Period.asked(self.since, self.until, today)
        except InvalidInput as problem:  # only `since` after today, `until` left out
            message = f"{self.since} is after today; give until too"
            raise InvalidFilter("since", message) from problem
        if period.length > LONGEST:
            raise InvalidFilter("since", f"a report covers at most {LONGEST.days} days")
        return period

    def arguments(self) -> dict[str, str]:
        """Return the filter as query parameters, for links that keep it."""
        days = {"since": self.since, "until": self.until}
        chosen = {name: value.isoformat() for name, value in days.items() if value}
        return chosen | {"by": self.by, "every": self.every}


def output_format(args: Mapping[str, str]) -> str:
    """Return `json` or `csv`, as the `format` parameter asks (json by default)."""
    return _one_of(args, "format", FORMATS)


def _day(args: Mapping[str, str], name: str) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidFilter(name, f"must be a date, YYYY-MM-DD, got {text[:40]!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidFilter(name, f"must be a day from {FIRST_DAY} to {LAST_DAY}, got {day}")
    return day


def _one_of(args: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = args.get(name) or choices[0]
    if value not in choices:
        raise InvalidFilter(name, f"must be one of {', '.join(choices)}, got {value[:40]!r}")
    return value
