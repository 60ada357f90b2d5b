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
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from plugin.clock import clock_of
from plugin.errors import PlatformError
from plugin.inbox.store import NewDelivery, record_deliveries
from plugin.orders.snapshot import unseen_states
from plugin.platforms import ChangedOrder, Reconcile, ShopContext, SubscriptionReport, Subscriptions
from plugin.services import Runtime
from plugin.shops import ACTIVE
from plugin.storage.models import Shop

log = logging.getLogger("amends.sync")

FIRST_SYNC_LOOKBACK = timedelta(days=1)


def shop_context(runtime: Runtime, shop: Shop) -> ShopContext:
    """Return the shop as a connector acts for it, its credentials opened for this call."""
    return ShopContext(
        shop_id=shop.id,
        domain=shop.domain,
        api_url=shop.api_url,
        api_version=shop.api_version,
        credentials=runtime.credentials.open(shop.credentials),
    )


def webhook_url(runtime: Runtime, platform: str, shop_id: int) -> str:
    """Return where this deployment takes the deliveries of one shop of `platform`."""
    path = runtime.connector_for(platform, Subscriptions).webhook_path(shop_id)
    return f"{runtime.settings.public_url.rstrip('/')}{path}"


def _active_shops(runtime: Runtime, platform: str) -> list[Shop]:
    with runtime.database.reading() as session:
        query = select(Shop).where(Shop.platform == platform, Shop.status == ACTIVE)
        return list(session.scalars(query.order_by(Shop.id)))


def register_webhooks(
    runtime: Runtime, shop: Shop, *, reset_secret: bool = False
) -> SubscriptionReport:
    """Put the shop's webhook subscriptions in place; report what was found and done."""
    connector = runtime.connector_for(shop.platform, Subscriptions)
    return connector.ensure_subscriptions(
        shop_context(runtime, shop),
        webhook_url(runtime, shop.platform, shop.id),
        reset_secret=reset_secret,
    )


def keep_webhooks_alive(runtime: Runtime, now: datetime) -> int:
    """Put back the subscriptions stores disabled or dropped, then reconcile those stores."""
    repaired = 0
    for platform in runtime.playing(Subscriptions):
        for shop in _active_shops(runtime, platform):
            try:
                report = register_webhooks(runtime, shop)
                if report.repaired:
                    log.warning(
                        f"sync.{platform}.webhooks-repaired",
                        extra={"shop": shop.id, "topics": ",".join(report.repaired)},
                    )
                    repaired += len(report.repaired)
                    if platform in runtime.playing(Reconcile):
                        reconcile_shop(runtime, shop, now)
            except PlatformError as error:
                log.warning(
                    f"sync.{platform}.unreachable", extra={"shop": shop.id, "error": str(error)}
                )
    return repaired


def reconcile_orders(runtime: Runtime, now: datetime) -> int:
    """Bring orders changed since each shop's watermark into the inbox; count the new ones."""
    stored = 0
    for platform in runtime.playing(Reconcile):
        for shop in _active_shops(runtime, platform):
            try:
                stored += reconcile_shop(runtime, shop, now)
            except PlatformError as error:
                log.warning(
                    f"sync.{platform}.unreachable", extra={"shop": shop.id, "error": str(error)}
                )
    return stored


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
        deliveries = [_delivery(shop, order) for order in fresh]
        new = record_deliveries(session, deliveries, clock_of(session).now()) if fresh else []
        stored = session.get(Shop, shop.id)
        stored.synced_at = watermark(stored.synced_at, changed)
    count = sum(inbox_id is not None for inbox_id in new)
    log.info(
        f"sync.{shop.platform}.reconciled",
        extra={"shop": shop.id, "fetched": len(changed), "new": count},
    )
    return count


def _delivery(shop: Shop, order: ChangedOrder) -> NewDelivery:
    return NewDelivery(
        platform=shop.platform,
        shop_id=shop.id,
        topic=order.topic,
        delivery_key=order.delivery_key,
        headers={"X-Amends-Source": "reconcile"},
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
