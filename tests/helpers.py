"""Small readers tests use to look at what the app stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from plugin import sync
from plugin.runtime import Runtime
from plugin.storage.models import InboxDelivery, Shop


def inbox_count(runtime: Runtime) -> int:
    """Return how many deliveries the inbox holds."""
    with runtime.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(InboxDelivery))


def inbox_rows(runtime: Runtime) -> list[InboxDelivery]:
    """Return every stored delivery, oldest first."""
    with runtime.database.transaction() as session:
        return list(session.scalars(select(InboxDelivery).order_by(InboxDelivery.id)))


def connect_sandbox_store(
    runtime: Runtime,
    store: Any,
    make_shop: Callable[..., int],
    settings: dict[str, Any] | None = None,
) -> int:
    """Add a sandbox WooCommerce store as a shop and register its webhooks, as connecting does.

    `store` is a running sandbox (tests.test_sandbox_woocommerce_helpers.Sandbox);
    `settings` are the shop's own (care, messages, compensation). Returns the shop id
    once the store has delivered its webhooks' pings.
    """
    from tests.test_sandbox_woocommerce_helpers import CONSUMER_KEY, CONSUMER_SECRET

    shop_id = make_shop(
        "woocommerce",
        domain=store.url + "/",
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
    )
    with runtime.database.transaction() as session:
        shop = session.get_one(Shop, shop_id)
        if settings is not None:
            shop.settings = settings
    with runtime.database.transaction() as session:
        shop = session.get_one(Shop, shop_id)
        session.expunge(shop)
    sync.register_webhooks(runtime, shop, reset_secret=True)
    store.flush()
    return shop_id
