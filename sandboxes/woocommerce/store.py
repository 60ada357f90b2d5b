"""The sandbox store's state: one object, guarded by one lock, kept in app.extensions.

Views take `store.lock` around every read-modify-write; the deliverer builds
payloads under it and sends them outside it, so a receiver may call the store
back while a delivery is in flight.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sandboxes.woocommerce.clock import Clock
from sandboxes.woocommerce.delivery import Deliverer
from sandboxes.woocommerce.host import Host
from sandboxes.woocommerce.models import (
    ApiKey,
    Coupon,
    Meta,
    Note,
    Order,
    Product,
    Refund,
    TaxRate,
    Webhook,
    stored_meta_value,
)
from sandboxes.woocommerce.safe_http import DEFAULT_SAFE_PORTS
from sandboxes.woocommerce.topics import hooks_of, resource_of

DEFAULT_PRODUCTS = (
    Product(10, 'Taza de cerámica "Olivar" 350ml', Decimal("12.50")),
    Product(11, "Fuente de horno", Decimal("30.00")),
)
CORE_STATUSES = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "checkout-draft": "Draft",
}
# Registered by "Return Refund and Exchange for WooCommerce" (woocommerce.md §3.3).
RETURN_STATUSES = {
    "return-requested": "Refund Requested",
    "return-approved": "Refund Approved",
    "return-cancelled": "Refund Cancelled",
}
# Core's offline gateways cannot refund; `stripe` stands for a card gateway plugin that can.
DEFAULT_GATEWAYS = {"bacs": False, "cheque": False, "cod": False, "stripe": True}


def default_shipping_zones(free_shipping_requires: str) -> list[dict[str, Any]]:
    """Return a Spanish zone with a flat rate and a free-shipping method, and the rest."""
    return [
        {
            "id": 1,
            "name": "España",
            "order": 0,
            "methods": [
                {
                    "instance_id": 1,
                    "title": "Tarifa plana",
                    "order": 1,
                    "method_id": "flat_rate",
                    "method_title": "Flat rate",
                },
                {
                    "instance_id": 2,
                    "title": "Envío gratuito",
                    "order": 2,
                    "method_id": "free_shipping",
                    "method_title": "Free shipping",
                    "requires": free_shipping_requires,
                },
            ],
        },
        {"id": 0, "name": "Locations not covered by your other zones", "order": 0, "methods": []},
    ]


class SandboxStore:
    """Everything one simulated WooCommerce store holds, and its webhook deliverer."""

    def __init__(
        self,
        *,
        url: str | None = None,
        consumer_key: str = "ck_sandbox",
        consumer_secret: str = "cs_sandbox",
        utc_offset_hours: float = 1,
        currency: str = "EUR",
        currency_symbol: str = "€",
        products: tuple[Product, ...] = DEFAULT_PRODUCTS,
        extra_statuses: dict[str, str] | None = None,
        gateways: dict[str, bool] | None = None,
        delivery_timeout: float = 60.0,
        ping_timeout: float = 5.0,
        deliveries_paused: bool = False,
        free_shipping_requires: str = "coupon",
        hpos: bool = True,
        safe_ports: Iterable[int] = DEFAULT_SAFE_PORTS,
        tls_proxies: Mapping[str, str] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        # Orders in WooCommerce's own tables (HPOS), the default since 8.2; False
        # keeps them in the posts table, as when `woocommerce-observed/` was recorded.
        self.hpos = hpos
        # wp_safe_remote_post()'s rules for outgoing requests (see safe_http).
        self.safe_ports: set[int] = set(safe_ports)
        self.tls_proxies: dict[str, str] = dict(tls_proxies or {})
        self.clock = Clock(timedelta(hours=utc_offset_hours))
        self._url = url.rstrip("/") if url else None
        self.currency = currency
        self.currency_symbol = currency_symbol
        self.salt = secrets.token_hex(16)
        self.tax_rate = TaxRate()
        self.products = {product.id: product for product in products}
        self.statuses = {**CORE_STATUSES, **RETURN_STATUSES, **(extra_statuses or {})}
        self.gateways = dict(DEFAULT_GATEWAYS if gateways is None else gateways)
        self.orders: dict[int, Order] = {}
        self.refunds: dict[int, Refund] = {}
        self.coupons: dict[int, Coupon] = {}
        self.notes: dict[int, Note] = {}
        self.webhooks: dict[int, Webhook] = {}
        self.api_keys: dict[int, ApiKey] = {}
        self.emails: list[dict[str, Any]] = []
        self.shipping_zones = default_shipping_zones(free_shipping_requires)
        self._post_ids = itertools.count(max(self.products, default=0) + 1)
        self._item_ids = itertools.count(1)
        self._comment_ids = itertools.count(2)  # comment 1 is WordPress's sample comment
        self._meta_ids = itertools.count(1)
        self._webhook_ids = itertools.count(1)
        self._key_ids = itertools.count(1)
        self.add_api_key(consumer_key, consumer_secret, "read_write", "sandbox")
        self.host = Host()  # the web server in front of WordPress
        self.deliverer = Deliverer(
            self, timeout=delivery_timeout, ping_timeout=ping_timeout, paused=deliveries_paused
        )

    # --- identity -------------------------------------------------------------

    @property
    def url(self) -> str:
        """Return the store's home URL without trailing slash."""
        return self._url or "http://127.0.0.1"

    def adopt_url(self, url: str) -> None:
        """Take `url` as the home URL if none was configured (the first request's host)."""
        with self.lock:
            if self._url is None:
                self._url = url.rstrip("/")

    @property
    def home_url(self) -> str:
        """Return the home URL with its trailing slash, as in X-WC-Webhook-Source."""
        return self.url + "/"

    # --- outgoing requests ----------------------------------------------------

    def allow_port(self, port: int) -> None:
        """Deliver to `port` too, as a store whose `http_allowed_safe_ports` filter adds it."""
        with self.lock:
            self.safe_ports.add(port)

    def proxy_tls(self, origin: str, to: str) -> None:
        """Send what goes to `origin` (https://host) to `to` instead: test harness only.

        It stands for DNS and a TLS-terminating proxy in front of a test server,
        so a receiver can have the https URL a real store requires.
        """
        with self.lock:
            self.tls_proxies[origin.rstrip("/").lower()] = to.rstrip("/")

    # --- ids ------------------------------------------------------------------

    def next_post_id(self) -> int:
        """Return the next WordPress post id (orders, refunds, coupons share it)."""
        return next(self._post_ids)

    def next_item_id(self) -> int:
        """Return the next order item id (line, shipping and tax lines share it)."""
        return next(self._item_ids)

    def next_comment_id(self) -> int:
        """Return the next comment id (order notes)."""
        return next(self._comment_ids)

    def next_webhook_id(self) -> int:
        """Return the next webhook id."""
        return next(self._webhook_ids)

    def new_meta(self, key: str, value: Any) -> Meta:
        """Return a new meta row, stored as WordPress stores it."""
        return Meta(next(self._meta_ids), key, stored_meta_value(value))

    def update_meta(self, rows: list[Meta], entries: list[dict[str, Any]]) -> bool:
        """Apply REST `meta_data` entries as WC_Data::update_meta_data does; tell if any applied.

        An entry with an `id` updates that row; otherwise the first row with the
        key is updated and its duplicates dropped, or a row is added. A null
        value deletes.
        """
        changed = False
        for entry in entries:
            if not isinstance(entry, dict) or "key" not in entry:
                continue
            key, value = str(entry["key"]), entry.get("value")
            matches = [row for row in rows if row.key == key]
            if entry.get("id"):
                matches = [row for row in rows if row.id == int(entry["id"])]
            if value is None:
                rows[:] = [row for row in rows if row not in matches]
            elif matches:
                matches[0].key, matches[0].value = key, stored_meta_value(value)
                rows[:] = [row for row in rows if row not in matches[1:]]
            else:
                rows.append(self.new_meta(key, value))
            changed = True
        return changed

    # --- API keys -------------------------------------------------------------

    def add_api_key(
        self, consumer_key: str, consumer_secret: str, permissions: str, description: str
    ) -> ApiKey:
        """Register a key pair the REST API accepts."""
        with self.lock:
            key = ApiKey(
                next(self._key_ids), consumer_key, consumer_secret, permissions, description
            )
            self.api_keys[key.key_id] = key
            return key

    def key_for(self, consumer_key: str) -> ApiKey | None:
        """Return the key whose consumer key is `consumer_key`."""
        with self.lock:
            for key in self.api_keys.values():
                if key.consumer_key == consumer_key:
                    return key
            return None

    # --- hooks ----------------------------------------------------------------

    def fire(self, hook: str, arg: Any, post_type: str | None = None) -> None:
        """Run a PHP action: queue a delivery for every active webhook listening to it."""
        for webhook in list(self.webhooks.values()):
            if webhook.status != "active" or hook not in hooks_of(webhook.topic):
                continue
            if self._resource_ok(webhook, arg, post_type):
                self.deliverer.enqueue(webhook.id, arg)

    def _resource_ok(self, webhook: Webhook, arg: Any, post_type: str | None) -> bool:
        """Filter as WC_Webhook::should_deliver: right post type, no drafts."""
        resource = resource_of(webhook.topic)
        if resource == "action":
            return True
        if post_type is not None and post_type != resource:
            return False
        if resource == "order":
            order = self.orders.get(arg)
            return order is not None and order.status not in ("draft", "auto-draft", "new")
        if resource == "coupon":
            coupon = self.coupons.get(arg)
            return coupon is not None and coupon.status not in ("auto-draft", "new")
        return True

    # --- e-mail ---------------------------------------------------------------

    def send_email(self, template: str, order: Order, **details: Any) -> None:
        """Record an e-mail WooCommerce would send to the customer."""
        self.emails.append(
            {
                "template": template,
                "to": order.billing.get("email", ""),
                "order_id": order.id,
                "at": self.clock.local(self.clock.now()),
                **details,
            }
        )

    def close(self) -> None:
        """Stop the deliverer's thread."""
        self.deliverer.stop()
