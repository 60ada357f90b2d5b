"""Business days in the shop's timezone: weekends and holidays skipped, local midnight kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from plugin.errors import InvalidInput
from plugin.incidents.calendar import ShopCalendar

MADRID = ShopCalendar.of("Europe/Madrid")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("paid", "days", "due"),
    [
        # Monday 10:00 Madrid, two days: Tuesday and Wednesday; due at Thursday 00:00 Madrid.
        ("2026-11-23T09:00:00", 2, "2026-11-25T23:00:00"),
        # Friday evening: Monday and Tuesday count, the weekend does not.
        ("2026-11-27T18:00:00", 2, "2026-12-01T23:00:00"),
        # Saturday: the same Monday and Tuesday.
        ("2026-11-28T10:00:00", 2, "2026-12-01T23:00:00"),
        # Sunday 23:30 UTC is already Monday in Madrid: Tuesday and Wednesday.
        ("2026-11-29T23:30:00", 2, "2026-12-02T23:00:00"),
        # Zero days: by the end of the day itself.
        ("2026-11-23T09:00:00", 0, "2026-11-23T23:00:00"),
    ],
)
def test_handling_time_ends_with_the_last_business_day_in_the_shops_timezone(paid, days, due):
    assert MADRID.end_of_business_days(utc(paid), days) == utc(due)


def test_a_holiday_moves_the_due_time_by_a_day():
    holidays = ShopCalendar.of("Europe/Madrid", holidays=["2026-12-08"])  # Inmaculada

    due = holidays.end_of_business_days(utc("2026-12-07T09:00:00"), 1)

    assert due == utc("2026-12-09T23:00:00")


def test_daylight_saving_changes_keep_local_midnight():
    # Madrid leaves summer time on 2026-10-25: midnight is 22:00 UTC before, 23:00 after.
    assert MADRID.end_of_business_days(utc("2026-10-22T09:00:00"), 1) == utc("2026-10-23T22:00:00")
    assert MADRID.end_of_business_days(utc("2026-10-23T09:00:00"), 1) == utc("2026-10-26T23:00:00")


def test_a_shop_with_a_friday_weekend_skips_friday():
    calendar = ShopCalendar.of("Asia/Dubai", weekend=[4, 5])

    assert calendar.next_business_day(date(2026, 11, 26)) == date(2026, 11, 29)


def test_business_days_between_counts_only_working_days_after_the_first():
    assert MADRID.business_days_between(utc("2026-11-27T10:00:00"), utc("2026-12-01T10:00:00")) == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        ({"holidays": ["8 December"]}, "holiday '8 December' is not a date"),
        ({"weekend": [0, 1, 2, 3, 4, 5, 6]}, "the weekend must be some of the days"),
    ],
)
def test_a_bad_calendar_setting_says_what_to_fix(settings, message):
    with pytest.raises(InvalidInput, match=message):
        ShopCalendar.of(**settings)
