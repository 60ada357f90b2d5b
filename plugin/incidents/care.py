"""What a shop promises its customers: handling time, its working calendar, update cadence.

Kept in the shop's settings under "care", with defaults that act without any
configuration; every value is checked when it is read, so a bad setting is an
error that says what to fix rather than a silent zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plugin.errors import InvalidInput
from plugin.incidents.calendar import ShopCalendar

KEY = "care"


@dataclass(frozen=True)
class CareSettings:
    """One shop's promises."""

    handling_days: int = 2  # business days from payment to shipment
    calendar: ShopCalendar = field(default_factory=ShopCalendar)
    update_every_days: int = 3  # an open incident is never silent longer than this
    delivery_grace_days: int = 2  # late once this far past the carrier's estimated delivery
    stale_tracking_days: int = 5  # stuck once the carrier has said nothing for this long

    @classmethod
    def of(cls, shop_settings: Mapping[str, Any] | None) -> CareSettings:
        """Read the "care" part of a shop's settings; missing values take the defaults."""
        care = dict((shop_settings or {}).get(KEY) or {})
        defaults = cls()
        return cls(
            handling_days=_days(care, "handling_days", defaults.handling_days, low=0),
            calendar=ShopCalendar.of(
                care.get("timezone") or "UTC", care.get("holidays") or (), care.get("weekend") or ()
            ),
            update_every_days=_days(care, "update_every_days", defaults.update_every_days, low=1),
            delivery_grace_days=_days(
                care, "delivery_grace_days", defaults.delivery_grace_days, low=0
            ),
            stale_tracking_days=_days(
                care, "stale_tracking_days", defaults.stale_tracking_days, low=1
            ),
        )


def _days(care: Mapping[str, Any], name: str, default: int, *, low: int) -> int:
    value = care.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 60:
        raise InvalidInput(f"{name} must be a whole number of days from {low} to 60, got {value!r}")
    return value
