"""Platform-neutral events. Connectors produce them; the domain consumes them.

Ids are the platform's own, as strings (Shopify's exceed 2**53; WooCommerce's are
small integers), so nothing downstream needs to know which platform sent them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Why an item came back, whatever words the platform or the customer used: one set
# across platforms (Shopify's ReturnReason enum and reason definitions, WooCommerce's
# free-text refund and return-plugin reasons). "unknown" is a return whose reason was
# never given; "other" one given in words that say none of the rest.
CANONICAL_REASONS = frozenset(
    {
        "defective",
        "damaged_in_transit",
        "wrong_item",
        "not_as_described",
        "size_too_small",
        "size_too_large",
        "colour",
        "style",
        "unwanted",
        "other",
        "unknown",
    }
)


@dataclass(frozen=True)
class LineItem:
    """One line of an order."""

    line_item_id: str
    product_id: str | None
    variant_id: str | None
    sku: str | None
    title: str | None
    quantity: int
    price: str | None = None  # one unit, in the order's currency, as the platform wrote it


@dataclass(frozen=True)
class Shipment:
    """A parcel of the order on its way, as far as the store knows."""

    tracking_number: str | None
    carrier: str | None = None
    shipped_at: datetime | None = None
    tracking_url: str | None = None
    shipment_id: str | None = None  # the platform's id of the parcel (a fulfillment)
    status: str | None = None  # the carrier's last word, one of SHIPMENT_STATUSES
    # The platform passes on the carrier's news of this parcel (delivered, failure), so
    # Amends can follow it to the door; without it, shipping is the last word it gets.
    carrier_updates: bool = False


@dataclass(frozen=True)
class OrderChanged:
    """The state of an order as of `updated_at`."""

    order_id: str
    updated_at: datetime | None
    name: str | None = None
    status: str | None = None
    financial_status: str | None = None
    fulfillment_status: str | None = None
    customer_email: str | None = None
    customer_locale: str | None = None
    customer_first_name: str | None = None  # how the customer is greeted; None when unknown
    currency: str | None = None
    total_price: str | None = None
    placed_at: datetime | None = None
    paid_at: datetime | None = None
    line_items: tuple[LineItem, ...] = ()
    shipping_total: str | None = None
    shipments: tuple[Shipment, ...] = ()


@dataclass(frozen=True)
class OrderTrashed:
    """The store moved an order to its trash, from where it may be restored.

    It says which order and nothing else, not even when: WooCommerce's
    `order.deleted` is `{"id": N}`. plugin.orders.snapshot orders it by arrival.
    """

    order_id: str


@dataclass(frozen=True)
class ReturnLine:
    """A returned quantity of one order line, with why it came back.

    `quantity` is None when the platform did not say how many came back (a
    WooCommerce refund or return-plugin request without its lines): unknown, not 0.
    The product fields are set when the platform named them with the return;
    otherwise they are read from the order's own line.
    """

    line_item_id: str | None
    quantity: int | None
    reason: str  # one of CANONICAL_REASONS
    reason_text: str | None = None  # the platform's or customer's own words
    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class ReturnRequested:
    """A customer asked to send items of an order back."""

    order_id: str
    return_id: str
    lines: tuple[ReturnLine, ...] = field(default_factory=tuple)
    requested_at: datetime | None = None


@dataclass(frozen=True)
class RefundRecorded:
    """The store refunded (part of) an order, for a reason given in words."""

    order_id: str
    refund_id: str
    amount: str | None
    reason: str  # one of CANONICAL_REASONS
    reason_text: str | None = None
    shipping_amount: str | None = None  # the part of `amount` that refunds shipping
    by_staff: bool = False  # issued by the merchant's staff, not by an app
    # The order lines it gave back: None when the platform did not say (a WooCommerce
    # order's `refunds[]`), () when it gave back none (shipping or an amount only).
    lines: tuple[ReturnLine, ...] | None = None
    return_id: str | None = None  # the return it settles, whose own lines say why
    refunded_at: datetime | None = None


# Carrier statuses of a parcel, whatever the platform calls them.
SHIPMENT_STATUSES = frozenset(
    {
        "label_created",
        "in_transit",
        "out_for_delivery",
        "delayed",
        "attempted_delivery",
        "failure",
        "ready_for_pickup",
        "delivered",
        "other",
    }
)


@dataclass(frozen=True)
class ShipmentUpdated:
    """The carrier said something about a parcel of an order."""

    order_id: str
    shipment_id: str
    status: str  # one of SHIPMENT_STATUSES
    happened_at: datetime | None = None
    estimated_delivery_at: datetime | None = None
    message: str | None = None


@dataclass(frozen=True)
class ReturnStatusChanged:
    """A return was approved, declined or closed."""

    return_id: str
    status: str  # "approved", "declined", "closed", "canceled"
    reason: str | None = None  # why it was declined, when it was


@dataclass(frozen=True)
class ShopUninstalled:
    """The merchant removed the app: stop every call, message and compensation."""


@dataclass(frozen=True)
class CustomerRedactionRequested:
    """Erase one customer's personal data (privacy law); keep anonymous counts."""

    customer_id: str | None
    email: str | None
    order_ids: tuple[str, ...] = ()
    phone: str | None = None


@dataclass(frozen=True)
class ShopRedactionRequested:
    """Erase everything personal the shop left with us, 48 h after it uninstalled."""


@dataclass(frozen=True)
class CustomerDataRequested:
    """A customer asked the merchant what data is held about them."""

    request_id: str | None
    customer_id: str | None
    email: str | None
    order_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Backfilled:
    """A past state read from a store's history: kept for reports, acted on by nothing.

    A backfill brings months of orders, returns and refunds; as live deliveries
    they would open incidents and write to customers about matters long settled.
    """

    event: OrderChanged | ReturnRequested | RefundRecorded


Event = (
    OrderChanged
    | OrderTrashed
    | ReturnRequested
    | RefundRecorded
    | ShipmentUpdated
    | ReturnStatusChanged
    | ShopUninstalled
    | CustomerRedactionRequested
    | ShopRedactionRequested
    | CustomerDataRequested
    | Backfilled
)
