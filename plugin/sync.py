"""Keep WooCommerce stores in step: webhooks kept alive, lost deliveries reconciled.

WooCommerce never retries a delivery and disables webhooks after repeated
failures. Reconciled orders go through the inbox like deliveries, keyed by order
id + `date_modified_gmt`, so a state a webhook already brought is a duplicate
and processing stays in one place.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from plugin.clock import clock_of
from plugin.errors import PlatformError
from plugin.inbox.store import NewDelivery, record_deliveries
from plugin.services import Runtime
from plugin.shops import ACTIVE
from plugin.storage.models import Shop

log = logging.getLogger("amends.sync")

PLATFORM = "woocommerce"
FIRST_SYNC_LOOKBACK = timedelta(days=1)


def webhook_url(runtime: Runtime, shop_id: int) -> str:
    """Return where this deployment takes a WooCommerce shop's deliveries."""
    return f"{runtime.settings.public_url.rstrip('/')}/webhooks/woocommerce/{shop_id}"


def _active_shops(runtime: Runtime) -> list[Shop]:
    with runtime.database.reading() as session:
        query = select(Shop).where(Shop.platform == PLATFORM, Shop.status == ACTIVE)
        return list(session.scalars(query.order_by(Shop.id)))


def register_webhooks(runtime: Runtime, shop: Shop, *, reset_secret: bool = False) -> list[int]:
    """Create or re-enable the shop's webhooks; return the ids created or re-enabled."""
    connector = runtime.connectors[PLATFORM]
    report = connector.ensure_webhooks(
        shop.api_url or shop.domain,
        runtime.credentials.open(shop.credentials),
        webhook_url(runtime, shop.id),
        reset_secret=reset_secret,
    )
    return report.created + report.reactivated


def keep_webhooks_alive(runtime: Runtime, now: datetime) -> int:
    """Re-enable webhooks a store disabled (or lost), then reconcile its orders at once."""
    repaired = 0
    for shop in _active_shops(runtime):
        try:
            changed = register_webhooks(runtime, shop)
            if changed:
                log.warning(
                    "sync.woocommerce.webhooks-repaired",
                    extra={"shop": shop.id, "webhooks": changed},
                )
                repaired += len(changed)
                reconcile_shop(runtime, shop, now)
        except PlatformError as error:
            log.warning(
                "sync.woocommerce.unreachable", extra={"shop": shop.id, "error": str(error)}
            )
    return repaired


def reconcile_orders(runtime: Runtime, now: datetime) -> int:
    """Bring orders modified since each shop's last sync into the inbox; return how many new."""
    stored = 0
    for shop in _active_shops(runtime):
        try:
            stored += reconcile_shop(runtime, shop, now)
        except PlatformError as error:
            log.warning(
                "sync.woocommerce.unreachable", extra={"shop": shop.id, "error": str(error)}
            )
    return stored


def reconcile_shop(runtime: Runtime, shop: Shop, now: datetime) -> int:
    """Store the shop's orders modified since its watermark, then move the watermark to `now`."""
    overlap = timedelta(seconds=runtime.settings.reconcile_overlap_seconds)
    since = (shop.synced_at or now - FIRST_SYNC_LOOKBACK) - overlap
    changed = runtime.connectors[PLATFORM].changed_orders(
        shop.api_url or shop.domain, runtime.credentials.open(shop.credentials), since
    )
    fetched = [
        NewDelivery(
            platform=PLATFORM,
            shop_id=shop.id,
            topic="order.updated",
            delivery_key=key,
            headers={"X-Amends-Source": "reconcile"},
            body=body,
            triggered_at=None,
        )
        for key, body in changed
    ]
    with runtime.database.transaction() as session:
        new = record_deliveries(session, fetched, clock_of(session).now()) if fetched else []
        session.get(Shop, shop.id).synced_at = now
    stored = sum(inbox_id is not None for inbox_id in new)
    log.info(
        "sync.woocommerce.reconciled",
        extra={"shop": shop.id, "fetched": len(changed), "new": stored},
    )
    return stored
