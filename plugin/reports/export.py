"""CSV of any report table: the columns a spreadsheet opens, in the rows' own order.

Text in a report comes partly from outside the merchant's hands (a customer's return
note, a product title synced from the store), and a spreadsheet runs a cell that
starts with `=`, `+`, `-` or `@` as a formula. Such text is written with a leading
apostrophe, which spreadsheets show as plain text (OWASP's advice on CSV injection);
numbers are written as they are, negative ones included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any, Protocol


class Row(Protocol):
    """A report row: it says itself as a flat dict."""

    def as_json(self) -> dict[str, Any]:
        """Return the row's columns and values."""
        ...


def as_csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """Return `rows` as CSV text with a header line of `columns`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.as_json().items()})
    return buffer.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
