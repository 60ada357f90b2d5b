"""Alerts to the merchant: an incident missed one of the shop's service targets.

Written in the shop's own language from `templates/merchant/`, with the sentences
translated in the same catalogs as the customer's messages; the dates and durations
are written as that language writes them (`23. November 2026, 10:05`, `7 дней`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale
from babel.dates import format_date, format_time
from babel.units import format_unit

from plugin.errors import InvalidInput
from plugin.messaging.locale import SUPPORTED_LANGUAGES
from plugin.messaging.render import RenderedMessage, as_message
from plugin.messaging.templates import template_letter

TEMPLATE = "merchant/sla_breached.j2"
BREACHES = ("acknowledgement", "resolution")
# What became of an acknowledgement that missed its target.
ACKNOWLEDGEMENT_FATES = ("no_address", "waiting", "failed", "sent_late")


@dataclass(frozen=True)
class SlaAlert:
    """One target one incident missed; times in the shop's own timezone."""

    breach: str  # one of BREACHES
    shop_name: str
    order_name: str
    incident_id: int
    incident_kind: str
    opened_at: datetime
    target_hours: int | None = None  # an acknowledgement's target
    target_days: int | None = None  # a resolution's target
    acknowledgement: str | None = None  # one of ACKNOWLEDGEMENT_FATES
    acknowledged_at: datetime | None = None  # when a late acknowledgement went
    panel_url: str | None = None  # the case in the panel, when the panel can show it


def render_alert(alert: SlaAlert, language: str) -> RenderedMessage:
    """Render the merchant's alert about `alert` in `language`, one of SUPPORTED_LANGUAGES."""
    _check(alert, language)
    acknowledged = alert.acknowledged_at
    variables = {
        "breach": alert.breach,
        "shop_name": alert.shop_name,
        "order_name": alert.order_name,
        "incident_id": str(alert.incident_id),
        "incident_kind": alert.incident_kind,
        "opened_at": moment(alert.opened_at, language),
        "target": _target(alert, language),
        "acknowledgement": alert.acknowledgement or "",
        "acknowledged_at": moment(acknowledged, language) if acknowledged else "",
        "panel_url": alert.panel_url or "",
    }
    return as_message(template_letter(TEMPLATE, language, variables), language)


def moment(value: datetime, language: str) -> str:
    """Write a date and time as `language` does: `November 23, 2026, 10:05 AM`."""
    pattern = Locale.parse(language).datetime_formats["medium"]
    time = format_time(value, "short", locale=language)
    return str(pattern).format(time, format_date(value, "long", locale=language))


def _target(alert: SlaAlert, language: str) -> str:
    """Write the target missed as `language` does: `1 Stunde`, `7 дней`."""
    if alert.breach == "acknowledgement":
        return format_unit(alert.target_hours or 0, "duration-hour", "long", locale=language)
    return format_unit(alert.target_days or 0, "duration-day", "long", locale=language)


def _check(alert: SlaAlert, language: str) -> None:
    if alert.breach not in BREACHES:
        raise InvalidInput(f"no alert for breach {alert.breach!r}; known: {', '.join(BREACHES)}")
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(f"no alerts in {language!r}; one of {', '.join(SUPPORTED_LANGUAGES)}")
    needed = alert.target_hours if alert.breach == "acknowledgement" else alert.target_days
    if needed is None:
        raise InvalidInput(f"an alert about the {alert.breach} names its target")
