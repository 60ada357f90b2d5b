"""The Connector protocol: what the plugin asks of a store platform.

Connectors in `connectors/<platform>/` implement it; the wiring registers them and
the surfaces find them by platform name. Nothing here knows HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from plugin.events import Event


class MalformedDelivery(ValueError):
    """A delivery lacks what the platform always sends (a header, a readable body)."""


class LoweredHeaders(dict[str, str]):
    """Headers keyed by lowercased name (HTTP/2 and proxies lowercase them; HTTP/1.1 may not).

    The intake hands connectors a delivery's headers in this form, read once.
    """


@dataclass(frozen=True)
class Delivery:
    """What a webhook delivery says about itself in its headers."""

    topic: str
    signature: str | None
    delivery_id: str | None = None
    shop_domain: str | None = None
    triggered_at: datetime | None = None
    kept_headers: Mapping[str, str] = field(default_factory=dict)


class Connector(Protocol):
    """A store platform, as far as intake and the worker need it."""

    platform: str
    #: Topics the shop is subscribed to and the inbox keeps; others are acknowledged and dropped.
    topics: frozenset[str]

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Tell whether the delivery is an unsigned liveness check (answer 200, keep nothing)."""
        ...

    def read_delivery(self, headers: Mapping[str, str]) -> Delivery:
        """Describe a delivery from its headers; raise MalformedDelivery when unreadable."""
        ...

    def delivery_key(self, delivery: Delivery, body: bytes, shop_key: str) -> str:
        """Return the key that is the same for a delivery and its redeliveries only."""
        ...

    def signature_valid(self, body: bytes, signature: str, secrets: Sequence[str]) -> bool:
        """Tell whether `signature` signs `body` with one of `secrets` (constant time)."""
        ...

    def parse(self, topic: str, body: bytes) -> list[Event] | None:
        """Turn a stored delivery into canonical events; None when the topic has no parser."""
        ...


# What the domain asks a platform to do, and what it answers. Every action is safe
# to repeat: the platform reference of what an earlier attempt made comes back with
# `created=False` instead of a second coupon, refund or note.


@dataclass(frozen=True)
class CouponSpec:
    """A single-use code for one customer."""

    code: str
    kind: str  # "percent", "fixed_amount" or "free_shipping"
    amount: Decimal
    customer_email: str | None
    expires_on: date | None
    description: str = ""
    customer_id: str | None = None  # the platform's customer id, where it restricts by id


@dataclass(frozen=True)
class ShippingRefundSpec:
    """Give back the shipping of an order, or part of it.

    `notify` asks the platform to tell the customer. Shopify honours it;
    WooCommerce ignores it and e-mails the customer about every refund made
    through its REST API (unless the merchant turned that e-mail off). Read
    `ActionResult.customer_notified` to know what happened.
    """

    order_id: str
    idempotency_key: str
    reason: str
    amount: Decimal | None = None  # None: all the shipping still refundable
    notify: bool = False


@dataclass(frozen=True)
class NoteSpec:
    """A note on an order: private for the merchant, or sent to the customer."""

    order_id: str
    idempotency_key: str
    text: str
    customer_facing: bool = False


@dataclass(frozen=True)
class ActionResult:
    """The platform's reference for what an action made (or found already made).

    `customer_notified` says the platform itself tells the customer about it (a
    refund e-mail, a customer note), so a message of Amends' own would repeat it.
    """

    platform_ref: str
    created: bool
    warnings: tuple[str, ...] = ()
    customer_notified: bool = False
