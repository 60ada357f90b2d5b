"""The simulated store's state: one object, one lock, kept in `app.extensions`.

Orders, refunds, fulfillments and returns are stored in their webhook (REST) shape,
because that is what the platform renders for webhooks; GraphQL answers are views
computed from them (views.py). Every reader and writer holds `lock`; requests are
short, so one lock keeps the store consistent without finer bookkeeping.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandboxes.shopify.clock import SandboxClock
from sandboxes.shopify.config import SandboxConfig
from sandboxes.shopify.formats import rest_time
from sandboxes.shopify.tokens import TokenBook


class NotFound(LookupError):
    """A resource the caller named does not exist in this store."""


class Conflict(ValueError):
    """A request the store's current state does not allow (HTTP 409/422 on the control API)."""


@dataclass
class IdempotentResult:
    """What a mutation carrying `@idempotent(key:)` did, replayed for the same key."""

    fingerprint: str
    payload: dict[str, Any]


@dataclass
class ReturnRecord:
    """Facts about a return that its webhook payload does not carry."""

    order_id: int
    created_at: str
    closed_at: str | None = None
    decline: dict[str, Any] | None = None


@dataclass
class StoreCreditAccount:
    """A customer's store credit balance."""

    id: int
    customer_id: int
    currency: str
    balance: Any
    transactions: list[dict[str, Any]] = field(default_factory=list)


class SandboxShop:
    """Hold everything the simulated store knows; guard it with `lock`."""

    def __init__(self, config: SandboxConfig, clock: SandboxClock) -> None:
        self.lock = threading.RLock()
        self.config = config
        self.clock = clock
        self.domain = config.shop_domain
        self.currency = config.currency
        self.installed = True
        self.created_at = rest_time(clock.now())
        self.orders: dict[int, dict[str, Any]] = {}
        self.transactions: dict[int, list[dict[str, Any]]] = {}
        self.fulfillment_events: dict[int, list[dict[str, Any]]] = {}
        # fulfillment line item id -> (fulfillment id, order line item id, quantity)
        self.fulfillment_lines: dict[int, tuple[int, int, int]] = {}
        self.returns: dict[int, dict[str, Any]] = {}
        self.return_records: dict[int, ReturnRecord] = {}
        self.refund_notes: dict[int, dict[str, Any]] = {}
        self.discounts: dict[int, dict[str, Any]] = {}
        self.store_credit: dict[int, StoreCreditAccount] = {}
        self.idempotent_results: dict[str, IdempotentResult] = {}
        self.tokens = TokenBook()
        self.buckets: dict[str, Any] = {}
        self._next_id = 1_000_001

    def now(self) -> datetime:
        """Return the sandbox time."""
        return self.clock.now()

    def stamp(self) -> str:
        """Return the sandbox time as REST payloads spell it."""
        return rest_time(self.clock.now())

    def next_id(self) -> int:
        """Return a fresh numeric id, never one already handed out or reserved."""
        number = self._next_id
        self._next_id += 1
        return number

    def reserve_id(self, number: int) -> int:
        """Record an id the caller chose, so generated ids never collide with it."""
        self._next_id = max(self._next_id, number + 1)
        return number

    def order(self, order_id: int) -> dict[str, Any]:
        """Return the stored order, or raise NotFound."""
        try:
            return self.orders[order_id]
        except KeyError:
            raise NotFound(f"order {order_id} does not exist") from None

    def touch(self, order: dict[str, Any]) -> None:
        """Record that `order` changed now, as Shopify bumps `updated_at` on every change."""
        order["updated_at"] = self.stamp()

    def order_transactions(self, order_id: int) -> list[dict[str, Any]]:
        """Return the order's payment transactions (sales, captures, refunds), oldest first."""
        return self.transactions.setdefault(order_id, [])

    def transaction(self, order_id: int, transaction_id: int) -> dict[str, Any] | None:
        """Return one transaction of the order, or None."""
        for transaction in self.order_transactions(order_id):
            if transaction["id"] == transaction_id:
                return transaction
        return None

    def fulfillment(self, fulfillment_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return (order, fulfillment) for a fulfillment id, or raise NotFound."""
        for order in self.orders.values():
            for fulfillment in order.get("fulfillments") or ():
                if fulfillment["id"] == fulfillment_id:
                    return order, fulfillment
        raise NotFound(f"fulfillment {fulfillment_id} does not exist")

    def refund(self, refund_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return (order, refund) for a refund id, or raise NotFound."""
        for order in self.orders.values():
            for refund in order.get("refunds") or ():
                if refund["id"] == refund_id:
                    return order, refund
        raise NotFound(f"refund {refund_id} does not exist")

    def return_(self, return_id: int) -> dict[str, Any]:
        """Return the stored return, or raise NotFound."""
        try:
            return self.returns[return_id]
        except KeyError:
            raise NotFound(f"return {return_id} does not exist") from None

    def customer(self, customer_id: int) -> dict[str, Any] | None:
        """Return the newest copy of a customer seen on any order, or None."""
        found = None
        for order in self.orders.values():
            customer = order.get("customer") or {}
            if customer.get("id") == customer_id:
                found = {**customer, "_locale": order.get("customer_locale")}
        return found

    def customer_orders(self, customer_id: int) -> list[dict[str, Any]]:
        """Return the orders of one customer."""
        return [
            order
            for order in self.orders.values()
            if (order.get("customer") or {}).get("id") == customer_id
        ]

    def shop_resource(self) -> dict[str, Any]:
        """Return the shop as the REST Shop resource (the app/uninstalled payload)."""
        return {
            "id": self.config.shop_id,
            "name": self.config.shop_name,
            "email": self.config.shop_email,
            "domain": self.domain,
            "myshopify_domain": self.domain,
            "shop_owner": self.config.shop_name,
            "country_code": "ES",
            "currency": self.currency,
            "iana_timezone": "Etc/UTC",
            "plan_name": "basic",
            "plan_display_name": "Basic",
            "created_at": self.created_at,
            "updated_at": self.stamp(),
        }
