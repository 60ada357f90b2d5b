"""Small readers tests use to look at what the app stored and what the customers received."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import func, select

from plugin import sync
from plugin.runtime import Runtime
from plugin.storage.models import InboxDelivery, Shop
from sandboxes.mail import Mailbox


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


def refund_broken_item(store: Any, order: dict[str, Any]) -> None:
    """Refund 12.50 of `order` in a sandbox WooCommerce store as "arrived broken", by hand.

    A refund made in wp-admin, not through a gateway: the store sends its webhook,
    which Amends reads as a defective item returned. `store` is a running sandbox.
    """
    store.api.post(
        f"orders/{order['id']}/refunds",
        {"amount": "12.50", "reason": "Llegó rota", "api_refund": False},
    )
    store.flush()


def text_of(message: EmailMessage) -> str:
    """Return the plain-text part with its lines joined, as a reader reads it."""
    return " ".join(message.get_body(("plain",)).get_content().split())


def inbox_of(mailbox: Mailbox) -> list[tuple[str, str]]:
    """Return (recipient, subject) of every message the server accepted, in order."""
    return [(m["To"], m["Subject"]) for m in mailbox.messages()]


def received_at(mailbox: Mailbox) -> list[datetime]:
    """Return when each accepted message says it was sent, in order."""
    return [parsedate_to_datetime(m["Date"]) for m in mailbox.messages()]


def incidents(cli: Callable[..., Any]) -> list[tuple[str, str, str]]:
    """Return (kind, order id, status) of every incident, oldest first."""
    listed = json.loads(cli("incidents", "list", "--json").stdout)
    return [(i["kind"], i["order_id"], i["status"]) for i in sorted(listed, key=lambda i: i["id"])]
