"""A report's CSV opens in a spreadsheet as text and figures, never as a formula."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from decimal import Decimal

from plugin.reports.export import as_csv


@dataclass
class ProductRow:
    product: str
    sku: str | None
    returned_units: int
    change: Decimal

    def as_json(self) -> dict:
        return asdict(self)


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    rows = [
        ProductRow('=HYPERLINK("https://evil.example","Mug")', "+1-MUG", 3, Decimal("0.5")),
        ProductRow("@SUM(A1:A9)", "-MUG", 1, Decimal("0")),
        ProductRow("\tTab mug", "\rCR", 1, Decimal("0")),
    ]

    cells = read(as_csv(rows, ["product", "sku", "returned_units"]))

    assert [(c["product"], c["sku"]) for c in cells] == [
        ('\'=HYPERLINK("https://evil.example","Mug")', "'+1-MUG"),
        ("'@SUM(A1:A9)", "'-MUG"),
        ("'\tTab mug", "'\rCR"),
    ]


def test_figures_and_plain_text_are_written_as_they_are():
    rows = [ProductRow("Blue mug - large", None, 4, Decimal("-0.25"))]

    cells = read(as_csv(rows, ["product", "sku", "returned_units", "change"]))

    assert cells == [
        {"product": "Blue mug - large", "sku": "", "returned_units": "4", "change": "-0.25"}
    ]
