"""URL converters the panel's routes share."""

from __future__ import annotations

from werkzeug.routing import BaseConverter

from plugin.storage.models import MAX_ROW_ID


def numbers_up_to(limit: int) -> str:
    """Return a regular expression for the whole numbers 1 to `limit`, without leading zeros."""
    text = str(limit)
    choices = [text]
    if len(text) > 1:
        choices.append(f"[1-9][0-9]{{0,{len(text) - 2}}}")  # fewer digits
    for place, digit in enumerate(text):  # as many digits, smaller at `place`
        lowest = 1 if place == 0 else 0
        if int(digit) > lowest:
            rest = len(text) - place - 1
            choices.append(f"{text[:place]}[{lowest}-{int(digit) - 1}][0-9]{{{rest}}}")
    return "(?:" + "|".join(choices) + ")"


class RowIdConverter(BaseConverter):
    """A row's id, `<id:incident_id>`: 1 to MAX_ROW_ID, written without leading zeros.

    A larger number is no row's id: the route does not match and the caller gets the
    API's 404, where Flask's `<int:...>` passes any number on to the database, which
    fails on one past its integer column.
    """

    regex = numbers_up_to(MAX_ROW_ID)
    weight = 50

    def to_python(self, value: str) -> int:
        """Return the id as a number."""
        return int(value)

    def to_url(self, value: int) -> str:
        """Write the id as the route takes it."""
        return str(int(value))
