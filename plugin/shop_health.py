"""How a shop's webhooks are doing, and what its merchant must do by hand, kept on the shop.

Registration and the upkeep job record what they found in the shop's `settings`, so
`shops list` can tell a store that delivers from one that never did, or stopped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from plugin.errors import NotFound, PlatformError, PlatformUnauthorized
from plugin.platforms import SubscriptionReport
from plugin.storage.models import Shop

WEBHOOKS = "webhooks"
NOTICES = "notices"

OK = "ok"
MISSING = "missing"
UNREACHABLE = "unreachable"
REFUSED = "credentials refused"
NEVER_REGISTERED = "never registered"
NOT_CHECKED = "not checked"


@dataclass(frozen=True)
class WebhookHealth:
    """The last check of a shop's webhooks."""

    state: str  # ok, missing, unreachable or credentials refused
    missing: int = 0
    disabled: int = 0
    repaired: int = 0
    error: str | None = None
    checked_at: str | None = None
    registered_at: str | None = None  # when every subscription was first in place

    @classmethod
    def of(cls, settings: dict[str, Any] | None) -> WebhookHealth | None:
        """Read the health a shop's settings hold, if any was recorded."""
        recorded = (settings or {}).get(WEBHOOKS)
        return cls(**recorded) if isinstance(recorded, dict) else None

    def summary(self) -> str:
        """Return one line for people: ok, missing N, disabled N, unreachable, never registered."""
        if self.registered_at is None:
            return NEVER_REGISTERED
        if self.state != MISSING:
            return self.state
        parts = [f"missing {self.missing}"] if self.missing else []
        parts += [f"disabled {self.disabled}"] if self.disabled else []
        return ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        """Return the health as `shops list --json` shows it."""
        return {"health": self.summary(), **asdict(self)}


def checked(
    report: SubscriptionReport, now: datetime, before: WebhookHealth | None
) -> WebhookHealth:
    """Describe the webhooks as a completed upkeep left them."""
    registered = before.registered_at if before else None
    return WebhookHealth(
        state=OK if report.complete else MISSING,
        missing=len(report.missing),
        disabled=len(report.disabled),
        repaired=len(report.repaired),
        error="; ".join(report.errors) or None,
        checked_at=now.isoformat(),
        registered_at=registered or (now.isoformat() if report.complete else None),
    )


def failed(error: PlatformError, now: datetime, before: WebhookHealth | None) -> WebhookHealth:
    """Describe the webhooks of a store the upkeep could not check."""
    return WebhookHealth(
        state=REFUSED if isinstance(error, PlatformUnauthorized) else UNREACHABLE,
        error=str(error),
        checked_at=now.isoformat(),
        registered_at=before.registered_at if before else None,
    )


def record_webhook_check(
    session: Session,
    shop_id: int,
    now: datetime,
    *,
    report: SubscriptionReport | None = None,
    error: PlatformError | None = None,
) -> WebhookHealth:
    """Keep on the shop what a check of its webhooks found; return it."""
    shop = _shop(session, shop_id)
    before = WebhookHealth.of(shop.settings)
    if report is not None:
        health = checked(report, now, before)
    elif error is not None:
        health = failed(error, now, before)
    else:
        raise ValueError("a webhook check records a report or an error")
    shop.settings = {**(shop.settings or {}), WEBHOOKS: asdict(health)}
    return health


def add_notices(session: Session, shop_id: int, notices: tuple[str, ...]) -> None:
    """Keep what the merchant must do by hand on the shop, each notice once."""
    if not notices:
        return
    shop = _shop(session, shop_id)
    kept = list((shop.settings or {}).get(NOTICES) or [])
    kept += [notice for notice in notices if notice not in kept]
    shop.settings = {**(shop.settings or {}), NOTICES: kept}


def notices_of(settings: dict[str, Any] | None) -> list[str]:
    """Return what the merchant of a shop must do by hand."""
    return list((settings or {}).get(NOTICES) or [])


def _shop(session: Session, shop_id: int) -> Shop:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    return shop
