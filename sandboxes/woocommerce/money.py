"""Decimal arithmetic and number formatting the way WooCommerce's PHP does it.

WooCommerce answers money as strings with the store's decimals ("73.69"),
stores per-line taxes unrounded and prints them as PHP prints floats ("6.3",
"1.239"), and gives `line_items[].price` as a JSON number (12.5, 30).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

DECIMALS = 2
_QUANTUM = Decimal(1).scaleb(-DECIMALS)


def to_decimal(value: Any) -> Decimal:
    """Read a number the way PHP casts one: numeric strings count, junk is 0."""
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def is_numeric(value: Any) -> bool:
    """Tell whether PHP would call `value` numeric (its is_numeric function)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float | Decimal):
        return True
    try:
        Decimal(str(value).strip())
    except InvalidOperation:
        return False
    return str(value).strip() != ""


def round_money(value: Decimal) -> Decimal:
    """Round half away from zero to the store's decimals, as PHP's round()."""
    rounded = value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else abs(rounded)


def money(value: Any) -> str:
    """Format like wc_format_decimal($value, 2): "10" -> "10.00"."""
    return f"{round_money(to_decimal(value)):f}"


def plain(value: Any) -> str:
    """Format like PHP's float-to-string: "6.3000" -> "6.3", "21.00" -> "21"."""
    number = to_decimal(value).normalize()
    if number == 0:
        return "0"
    text = f"{number:f}"
    return text


def php_number(value: Any) -> int | float:
    """Return the JSON number PHP would emit: an int when whole, else a float."""
    number = to_decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)
