"""The merchant's alert that one product's returns for one reason spiked.

Written in the shop's own language from `templates/merchant/defect_spike.j2`, with the
sentences translated in the same catalogs as the customer's messages. It says why it
fired as a merchant reads it: the recent and usual rates with the units behind them,
how many times higher, and the chance of so many returns had nothing changed
("about once in 12,000 times"), which is what the statistical test measured. The
returns behind it are listed, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from plugin.errors import InvalidInput
from plugin.messaging.locale import SUPPORTED_LANGUAGES
from plugin.messaging.render import RenderedMessage, as_message
from plugin.messaging.templates import template_letter

TEMPLATE = "merchant/defect_spike.j2"
# Past this, "less than once in a million" says all a merchant needs to know.
RAREST = 1_000_000


@dataclass(frozen=True)
class ReturnBehind:
    """One return behind a spike, as the merchant finds it in their store."""

    order: str
    requested_at: datetime  # in the shop's own timezone
    units: int | None  # None: the platform did not say how many
    note: str | None = None  # what the customer wrote, as they wrote it


@dataclass(frozen=True)
class SpikeAlert:
    """One product's spike of returns for one reason, and the figures that called it."""

    shop_name: str
    product: str  # its title, else its SKU or product id
    sku: str | None
    reason: str  # a canonical reason: "defective"
    recent_returned: int
    recent_sold: int
    baseline_returned: int
    baseline_sold: int
    p_value: float
    threshold: float
    incident_id: int
    recent_days: int = 7
    baseline_days: int = 30
    returns: tuple[ReturnBehind, ...] = ()
    more_returns: int = 0  # returns behind it not listed
    panel_url: str | None = None  # the case in the panel, when the panel can show it


def render_spike_alert(alert: SpikeAlert, language: str) -> RenderedMessage:
    """Render the merchant's alert about `alert` in `language`, one of SUPPORTED_LANGUAGES."""
    _check(alert, language)
    rare, odds = chance_in(alert.p_value)
    variables = {
        "shop_name": alert.shop_name,
        "product": alert.product,
        "sku": alert.sku or "—",
        "reason": alert.reason,
        "recent": _days(alert.recent_days, language),
        "baseline": _days(alert.baseline_days, language),
        "recent_returned": _number(alert.recent_returned, language),
        "recent_sold": _number(alert.recent_sold, language),
        "recent_rate": _percent(alert.recent_returned / alert.recent_sold, language),
        "baseline_returned": _number(alert.baseline_returned, language),
        "baseline_returned_count": alert.baseline_returned,
        "baseline_sold": _number(alert.baseline_sold, language),
        "baseline_rate": _percent(alert.baseline_returned / alert.baseline_sold, language),
        "ratio": _ratio(alert, language),
        "rare": rare,
        "odds": _number(odds, language),
        "threshold_odds": _number(chance_in(alert.threshold)[1], language),
        "returns": [_listed(item, language) for item in alert.returns],
        "more_returns": alert.more_returns,
        "incident_id": str(alert.incident_id),
        "panel_url": alert.panel_url or "",
    }
    return as_message(template_letter(TEMPLATE, language, variables), language)


def chance_in(p_value: float) -> tuple[bool, int]:
    """Say a p-value as "once in N times", N to two significant figures.

    Returns (rarer than RAREST, N): 0.000083 is once in 12,000; 1e-9 is less
    than once in a million.
    """
    if p_value <= 1 / RAREST:
        return True, RAREST
    times = 1 / p_value
    digits = max(len(str(int(times))) - 2, 0)
    return False, max(1, round(int(times), -digits))


def _listed(item: ReturnBehind, language: str) -> dict[str, object]:
    return {
        "date": format_date(item.requested_at, "long", locale=language),
        "order": item.order,
        "units": item.units,
        "note": " ".join((item.note or "").split())[:200],
    }


def _ratio(alert: SpikeAlert, language: str) -> str:
    if not alert.baseline_returned:
        return ""
    ratio = (alert.recent_returned / alert.recent_sold) / (
        alert.baseline_returned / alert.baseline_sold
    )
    return format_decimal(round(ratio, 1), "#,##0.0", locale=language)


def _days(days: int, language: str) -> str:
    return format_unit(days, "duration-day", "long", locale=language)


def _number(value: int, language: str) -> str:
    return format_decimal(value, locale=language)


def _percent(value: float, language: str) -> str:
    """Write a rate with one decimal, spaced as the language spaces it: `5.9%`, `5,9 %`."""
    pattern = str(Locale.parse(language).percent_formats[None].pattern)
    head, _zero, tail = pattern.rpartition("0")
    return format_percent(value, f"{head}0.0{tail}", locale=language)


def _check(alert: SpikeAlert, language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(f"no alerts in {language!r}; one of {', '.join(SUPPORTED_LANGUAGES)}")
    if alert.recent_sold <= 0 or alert.baseline_sold <= 0:
        raise InvalidInput("a spike alert compares units sold in both periods: none were given")
