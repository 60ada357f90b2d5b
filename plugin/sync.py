"""Keep stores in step: webhook subscriptions kept in place, lost deliveries reconciled.

Stores lose deliveries: WooCommerce never retries one and disables a webhook after
repeated failures; Shopify retries for about 4 hours, then deletes a subscription
made through its API. So the upkeep job puts back what a store disabled or dropped,
and the reconcile job brings the orders changed since each shop's watermark into the
inbox like deliveries, so processing stays in one place. A state a webhook already
brought is not taken twice: the inbox key tells it where the platform keys deliveries
by state, the stored order where it keys them by delivery. Which connector does what
is asked through its roles.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.errors import PlatformError
from plugin.inbox.store import NewDelivery, record_deliveries
from plugin.orders.snapshot import unseen_states
from plugin.platforms import (
    ChangedOrder,
    Reconcile,
    ShopContext,
    SubscriptionReport,
    Subscriptions,
    TokenRefresh,
)
from plugin.services import Runtime
from plugin.shop_health import record_webhook_check
from plugin.shops import ACTIVE, current_access_token, get_shop, token_due
from plugin.storage.models import Shop

log = logging.getLogger("amends.sync")

FIRST_SYNC_LOOKBACK = timedelta(days=1)
# Sealed beside `webhook_secret` while the store may still sign with the one before.
PREVIOUS_SECRET = "previous_webhook_secret"


@dataclass(frozen=True)
class ShopFailure:
    """A store a job could not do its work for, and why."""

    shop_id: int
    platform: str
    domain: str
    error: str

    def as_json(self) -> dict[str, Any]:
        """Return the failure as `scheduler --json` prints it."""
        return {
            "shop": self.shop_id,
            "platform": self.platform,
            "domain": self.domain,
            "error": self.error,
        }


@dataclass(frozen=True)
class JobResult:
    """What a periodic job did, and the stores it could not do it for."""

    count: int = 0
    failures: tuple[ShopFailure, ...] = ()


def shop_context(runtime: Runtime, shop: Shop) -> ShopContext:
    """Return the shop as a connector acts for it, its credentials opened for this call.

    An expiring access token (Shopify's, since offline tokens expire) is renewed
    first when it lapses within minutes, so no call goes out with a dying token.
    """
    credentials = runtime.credentials.open(shop.credentials)
    if token_due(credentials, runtime.clock.now()):
        credentials = _refreshed(runtime, shop)
    return ShopContext(
        shop_id=shop.id,
        domain=shop.domain,
        api_url=shop.api_url,
        api_version=shop.api_version,
        credentials=credentials,
    )


def _refreshed(runtime: Runtime, shop: Shop) -> dict[str, str]:
    """Renew the shop's token, the shop row locked, and return its credentials as stored now.

    Under the lock a second worker finds the token its neighbour renewed and leaves
    it be: a refresh token is good for one renewal only.
    """
    if shop.platform not in runtime.playing(TokenRefresh):
        return dict(runtime.credentials.open(shop.credentials))
    connector = runtime.connector_for(shop.platform, TokenRefresh)
    with runtime.database.transaction() as session:
        now = clock_of(session).now()
        current_access_token(session, runtime.credentials, shop.id, connector.refresh, now)
        stored = session.get_one(Shop, shop.id)
        return dict(runtime.credentials.open(stored.credentials))


def webhook_url(runtime: Runtime, platform: str, shop_id: int) -> str:
    """Return where this deployment takes the deliveries of one shop of `platform`."""
    path = runtime.connector_for(platform, Subscriptions).webhook_path(shop_id)
    return f"{runtime.settings.public_url.rstrip('/')}{path}"


def _active_shops(runtime: Runtime, platform: str) -> list[Shop]:
    with runtime.database.reading() as session:
        query = select(Shop).where(Shop.platform == platform, Shop.status == ACTIVE)
        return list(session.scalars(query.order_by(Shop.id)))


def _failure(shop: Shop, error: Exception | str, slug: str) -> ShopFailure:
    log.warning(f"sync.{shop.platform}.{slug}", extra={"shop": shop.id, "error": str(error)})
    return ShopFailure(shop.id, shop.platform, shop.domain, str(error))


def register_webhooks(
    runtime: Runtime, shop: Shop, *, reset_secret: bool = False, now: datetime | None = None
) -> SubscriptionReport:
    """Put the shop's webhook subscriptions in place and record on the shop how they are.

    While the shop keeps a previous webhook secret, the store may still sign with
    it, so the current one is sent to every subscription; once all have it, the
    previous one is dropped and no longer accepted.
    """
    now = now or runtime.clock.now()
    connector = runtime.connector_for(shop.platform, Subscriptions)
    context = shop_context(runtime, shop)
    converging = PREVIOUS_SECRET in context.credentials
    try:
        report = connector.ensure_subscriptions(
            context,
            webhook_url(runtime, shop.platform, shop.id),
            reset_secret=reset_secret or converging,
        )
    except PlatformError as error:
        with runtime.database.transaction() as session:
            record_webhook_check(session, shop.id, now, error=error)
        raise
    with runtime.database.transaction() as session:
        record_webhook_check(session, shop.id, now, report=report)
        if converging and not report.errors:
            _forget_previous_secret(runtime, session, shop.id, context.credentials)
    return report


def _forget_previous_secret(
    runtime: Runtime, session: Session, shop_id: int, sent: Mapping[str, str]
) -> None:
    """Drop the previous secret, unless the shop got other credentials meanwhile."""
    shop = get_shop(session, shop_id)
    credentials = runtime.credentials.open(shop.credentials)
    if credentials.get("webhook_secret") != sent.get("webhook_secret"):
        return
    credentials.pop(PREVIOUS_SECRET, None)
    shop.credentials = runtime.credentials.seal(credentials)
    log.info("sync.webhook-secret-converged", extra={"shop": shop_id})


def keep_webhooks_alive(runtime: Runtime, now: datetime) -> JobResult:
    """Put back the subscriptions stores disabled or dropped, then reconcile those stores."""
    repaired, failures = 0, []
    for platform in runtime.playing(Subscriptions):
        for shop in _active_shops(runtime, platform):
            try:
                report = register_webhooks(runtime, shop, now=now)
            except PlatformError as error:
                failures.append(_failure(shop, error, "unreachable"))
                continue
            if report.errors:
                failures.append(_failure(shop, "; ".join(report.errors), "webhooks-refused"))
            if report.repaired:
                log.warning(
                    f"sync.{platform}.webhooks-repaired",
                    extra={"shop": shop.id, "topics": ",".join(report.repaired)},
                )
                repaired += len(report.repaired)
                failures += _reconcile_at_once(runtime, shop, now)
    return JobResult(repaired, tuple(failures))


def _reconcile_at_once(runtime: Runtime, shop: Shop, now: datetime) -> list[ShopFailure]:
    """Bring what a store's webhooks missed while they were down, if it can be listed."""
    if shop.platform not in runtime.playing(Reconcile):
        return []
    try:
        reconcile_shop(runtime, shop, now)
    except PlatformError as error:
        return [_failure(shop, error, "unreachable")]
    return []


def reconcile_orders(runtime: Runtime, now: datetime) -> JobResult:
    """Bring orders changed since each shop's watermark into the inbox; count the new ones."""
    stored, failures = 0, []
    for platform in runtime.playing(Reconcile):
        for shop in _active_shops(runtime, platform):
            try:
                stored += reconcile_shop(runtime, shop, now)
            except PlatformError as error:
                failures.append(_failure(shop, error, "unreachable"))
    return JobResult(stored, tuple(failures))


def reconcile_shop(runtime: Runtime, shop: Shop, now: datetime) -> int:
    """Store the shop's orders changed since its watermark; move it to the newest seen.

    `now` only bounds the first look back. The watermark never passes the newest
    modification time the store reported, so a run "as of" a later time (`--now`)
    cannot make the next one skip changes; with nothing new, it stays where it was.
    """
    connector = runtime.connector_for(shop.platform, Reconcile)
    overlap = timedelta(seconds=runtime.settings.reconcile_overlap_seconds)
    since = (shop.synced_at or now - FIRST_SYNC_LOOKBACK) - overlap
    changed = connector.changed_orders(shop_context(runtime, shop), since)
    with runtime.database.transaction() as session:
        fresh = (
            changed
            if connector.order_keys_match_webhooks
            else unseen_states(session, shop.id, changed)
        )
        deliveries = [order_delivery(shop, order) for order in fresh]
        new = record_deliveries(session, deliveries, clock_of(session).now()) if fresh else []
        stored = get_shop(session, shop.id)
        stored.synced_at = watermark(stored.synced_at, changed)
    count = sum(inbox_id is not None for inbox_id in new)
    log.info(
        f"sync.{shop.platform}.reconciled",
        extra={"shop": shop.id, "fetched": len(changed), "new": count},
    )
    return count


def order_delivery(shop: Shop, order: ChangedOrder, source: str = "reconcile") -> NewDelivery:
    """Return a fetched order as the inbox keeps a delivery, marked with the job that read it."""
    return NewDelivery(
        platform=shop.platform,
        shop_id=shop.id,
        topic=order.topic,
        delivery_key=order.delivery_key,
        headers={"X-Amends-Source": source},
        body=order.body,
        triggered_at=None,
    )


def watermark(current: datetime | None, changed: Iterable[ChangedOrder]) -> datetime | None:
    """Return the newest modification time seen, never earlier than `current`."""
    seen = [order.updated_at for order in changed if order.updated_at is not None]
    if not seen:
        return current
    newest = max(seen)
    return newest if current is None or newest > current else current
