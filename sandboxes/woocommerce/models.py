"""What the sandbox store keeps: plain records, one per WordPress object.

Orders, refunds and coupons are posts (they share one id sequence, like
WordPress post ids); order items, notes (comments), meta rows, webhooks and API
keys each have their own sequence, as their tables do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sandboxes.woocommerce.money import plain


@dataclass
class Meta:
    """A meta row: the REST `meta_data[]` entry."""

    id: int
    key: str
    value: Any


@dataclass(frozen=True)
class Product:
    """A catalogue product a line item can point at."""

    id: int
    name: str
    price: Decimal
    sku: str = ""
    virtual_and_downloadable: bool = False


@dataclass(frozen=True)
class TaxRate:
    """The one standard tax rate the sandbox store charges."""

    id: int = 1
    code: str = "ES-IVA-1"
    label: str = "IVA"
    percent: Decimal = Decimal(21)
    compound: bool = False


@dataclass
class LineItem:
    """A product line; on a refund its amounts are negative."""

    id: int
    name: str
    product_id: int
    variation_id: int
    quantity: int
    subtotal: Decimal
    total: Decimal
    taxes: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)  # rate: (total, sub)
    meta: list[Meta] = field(default_factory=list)
    tax_class: str = ""
    sku: str = ""


@dataclass
class ShippingLine:
    """A shipping line; on a refund its amounts are negative."""

    id: int
    method_title: str
    method_id: str
    instance_id: str
    total: Decimal
    taxes: dict[int, Decimal] = field(default_factory=dict)
    meta: list[Meta] = field(default_factory=list)
    tax_status: str = "taxable"


@dataclass
class TaxLine:
    """The per-rate tax summary line of an order or refund."""

    id: int
    rate_id: int
    tax_total: Decimal
    shipping_tax_total: Decimal


@dataclass
class Order:
    """A shop order (post type shop_order)."""

    id: int
    status: str
    order_key: str
    created: datetime
    modified: datetime
    billing: dict[str, str]
    shipping: dict[str, str]
    currency: str = "EUR"
    customer_id: int = 0
    parent_id: int = 0
    payment_method: str = ""
    payment_method_title: str = ""
    transaction_id: str = ""
    created_via: str = "rest-api"
    customer_note: str = ""
    paid: datetime | None = None
    completed: datetime | None = None
    meta: list[Meta] = field(default_factory=list)
    line_items: list[LineItem] = field(default_factory=list)
    shipping_lines: list[ShippingLine] = field(default_factory=list)
    tax_lines: list[TaxLine] = field(default_factory=list)
    refund_ids: list[int] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Refund:
    """An order refund (post type shop_order_refund)."""

    id: int
    order_id: int
    created: datetime
    amount: Decimal
    reason: str
    refunded_by: int = 1
    refunded_payment: bool = False
    meta: list[Meta] = field(default_factory=list)
    line_items: list[LineItem] = field(default_factory=list)
    shipping_lines: list[ShippingLine] = field(default_factory=list)
    tax_lines: list[TaxLine] = field(default_factory=list)


@dataclass
class Note:
    """An order note (a WordPress comment)."""

    id: int
    order_id: int
    created: datetime
    note: str
    customer_note: bool
    author: str


@dataclass
class Coupon:
    """A coupon (post type shop_coupon)."""

    id: int
    code: str
    created: datetime
    modified: datetime
    discount_type: str = "fixed_cart"
    amount: Decimal = Decimal(0)
    status: str = "publish"
    description: str = ""
    expires: datetime | None = None
    individual_use: bool = False
    product_ids: list[int] = field(default_factory=list)
    excluded_product_ids: list[int] = field(default_factory=list)
    usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    limit_usage_to_x_items: int | None = None
    free_shipping: bool = False
    product_categories: list[int] = field(default_factory=list)
    excluded_product_categories: list[int] = field(default_factory=list)
    exclude_sale_items: bool = False
    minimum_amount: Decimal = Decimal(0)
    maximum_amount: Decimal = Decimal(0)
    email_restrictions: list[str] = field(default_factory=list)
    meta: list[Meta] = field(default_factory=list)


@dataclass
class Webhook:
    """A webhook registration (a row of wc_webhooks)."""

    id: int
    name: str
    topic: str
    delivery_url: str
    secret: str
    created: datetime
    modified: datetime | None = None
    status: str = "active"
    failure_count: int = 0
    pending_delivery: bool = True
    user_id: int = 1


@dataclass
class ApiKey:
    """A REST API key pair (a row of woocommerce_api_keys)."""

    key_id: int
    consumer_key: str
    consumer_secret: str
    permissions: str = "read_write"
    description: str = ""
    user_id: int = 1
    nonces: dict[int, str] = field(default_factory=dict)  # timestamp -> nonce, as WooCommerce


def stored_meta_value(value: Any) -> Any:
    """Return what WordPress gives back for a saved meta value.

    Scalars are stored as strings (42 -> "42", True -> "1", False -> ""), while
    arrays and objects are serialised and come back with their types.
    """
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int | float | Decimal):
        return plain(value) if not isinstance(value, int) else str(value)
    return value
