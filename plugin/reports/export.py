"""CSV of any report table: the columns a spreadsheet opens, in the rows' own order."""

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
        writer.writerow({k: "" if v is None else v for k, v in row.as_json().items()})
    return buffer.getvalue()
