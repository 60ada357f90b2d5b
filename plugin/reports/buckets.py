"""Weeks and months as SQL expressions, the same on SQLite and PostgreSQL.

A bucket is named by its first day, `YYYY-MM-DD` in UTC: weeks start on Monday
(ISO 8601), months on the 1st.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

from plugin.errors import InvalidInput

EVERY = ("week", "month")


def bucket(column: Any, every: str, dialect: str) -> Any:
    """Return the first day of the week or month of a UTC time column, as text."""
    if every not in EVERY:
        raise InvalidInput(f"no trend every {every!r}; choose one of {', '.join(EVERY)}")
    if dialect == "postgresql":
        start = func.date_trunc(every, func.timezone("UTC", column))
        return func.to_char(start, "YYYY-MM-DD")
    # SQLite keeps UTC times as text: "weekday 0" moves to the Sunday ending the week
    if every == "week":
        return func.date(column, "weekday 0", "-6 days")
    return func.strftime("%Y-%m-01", column)
