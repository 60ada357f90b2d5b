"""What a shop promises its customers: handling time, its working calendar, update cadence.

Kept in the shop's settings under "care", with defaults that act without any
configuration; every value is checked when it is read, so a bad setting is an
error that says what to fix rather than a silent zero.

The service targets the merchant is alerted about are kept there too: the first
message to the customer within `acknowledge_within_hours` of an incident opening,
the incident resolved within `resolve_within_days` (one number for every kind, or
one per kind), and the address the alerts go to, `merchant_email`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any

from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.incidents import KINDS
from plugin.incidents.calendar import ShopCalendar
from plugin.storage.models import Shop

KEY = "care"
RESOLVE_WITHIN_DAYS = 7  # a kind the shop named no target for


@dataclass(frozen=True)
class CareSettings:
    """One shop's promises."""

    handling_days: int = 2  # business days from payment to shipment
    calendar: ShopCalendar = field(default_factory=ShopCalendar)
    update_every_days: int = 3  # an open incident is never silent longer than this
    delivery_grace_days: int = 2  # late once this far past the carrier's estimated delivery
    stale_tracking_days: int = 5  # stuck once the carrier has said nothing for this long
    acknowledge_within_hours: int = 1  # the customer hears "we are on it" within this
    # The days an incident of each kind may stay open before the merchant is alerted.
    resolve_within: Mapping[str, int] = field(default_factory=dict)
    merchant_email: str | None = None  # where service alerts go; none without it

    @classmethod
    def of(cls, shop_settings: Mapping[str, Any] | None) -> CareSettings:
        """Read the "care" part of a shop's settings; missing values take the defaults."""
        care = dict((shop_settings or {}).get(KEY) or {})
        defaults = cls()
        return cls(
            handling_days=_days(care, "handling_days", defaults.handling_days, low=0),
            calendar=ShopCalendar.of(
                care.get("timezone") or "UTC", care.get("holidays") or (), care.get("weekend")
            ),
            update_every_days=_days(care, "update_every_days", defaults.update_every_days, low=1),
            delivery_grace_days=_days(
                care, "delivery_grace_days", defaults.delivery_grace_days, low=0
            ),
            stale_tracking_days=_days(
                care, "stale_tracking_days", defaults.stale_tracking_days, low=1
            ),
            acknowledge_within_hours=_hours(care, "acknowledge_within_hours", 1),
            resolve_within=_resolve_within(care.get("resolve_within_days", RESOLVE_WITHIN_DAYS)),
            merchant_email=_email(care.get("merchant_email")),
        )

    def resolve_within_days(self, kind: str) -> int:
        """Return the days an incident of `kind` may stay open before the merchant is told."""
        return self.resolve_within.get(kind, RESOLVE_WITHIN_DAYS)


def care_of(session: Session, shop_id: int) -> CareSettings:
    """Return a shop's care settings, read once per settings the session holds.

    Each delivery asks for them several times (a parcel's due time, an incident's
    targets, a message's cadence). They are read again when the shop's settings are
    replaced (a new dict is assigned) or the shop is loaded afresh, so a change made
    in the same transaction is seen. A missing shop has the defaults.
    """
    shop = session.get(Shop, shop_id)
    settings = shop.settings if shop is not None else None
    held: dict[int, tuple[Any, CareSettings]] = session.info.setdefault(_HELD, {})
    known = held.get(shop_id)
    if known is not None and known[0] is settings:
        return known[1]
    care = CareSettings.of(settings)
    held[shop_id] = (settings, care)  # the settings held too: their id is not reused
    return care


_HELD = "care_settings"


def _days(care: Mapping[str, Any], name: str, default: int, *, low: int) -> int:
    value = care.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 60:
        raise InvalidInput(f"{name} must be a whole number of days from {low} to 60, got {value!r}")
    return value


def _hours(care: Mapping[str, Any], name: str, default: int) -> int:
    value = care.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 168:
        raise InvalidInput(
            f"{name} must be a whole number of hours from 1 to 168 (a week), got {value!r}"
        )
    return value


def _resolve_within(value: Any) -> dict[str, int]:
    """Read `resolve_within_days`: 7 for every kind, or {"defective_item": 10, ...}."""
    if not isinstance(value, Mapping):
        if not _is_target(value):
            raise InvalidInput(
                "resolve_within_days must be a whole number of days from 1 to 90, or one per "
                'incident kind such as {"delayed_shipment": 5, "defective_item": 10}; '
                f"got {value!r}"
            )
        return dict.fromkeys(KINDS, value)
    unknown = sorted(str(kind) for kind in value if kind not in KINDS)
    if unknown:
        raise InvalidInput(
            f"resolve_within_days names no incident kind {', '.join(map(repr, unknown))}; "
            f"kinds are: {', '.join(sorted(KINDS))}"
        )
    for kind, days in value.items():
        if not _is_target(days):
            raise InvalidInput(
                f"resolve_within_days for {kind} must be a whole number of days from 1 to 90, "
                f"got {days!r}"
            )
    return {kind: value.get(kind, RESOLVE_WITHIN_DAYS) for kind in KINDS}


def _is_target(days: Any) -> bool:
    return isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 90


def _email(value: Any) -> str | None:
    """Read the merchant's address for alerts: one address, or nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    problem = f"merchant_email must be one e-mail address such as owner@shop.example, got {value!r}"
    if not isinstance(value, str):
        raise InvalidInput(problem)
    try:
        address = Address(addr_spec=value.strip())
    except (HeaderParseError, IndexError, ValueError) as error:
        raise InvalidInput(problem) from error
    if not address.username or "." not in address.domain:
        raise InvalidInput(problem)
    return address.addr_spec
