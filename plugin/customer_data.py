"""What a shop holds about one customer, for the merchant to hand over on request.

A customer may ask a shop for the data kept about them (Shopify's
`customers/data_request`; the GDPR's right of access in any shop). Amends holds
their orders as it last saw them, the incidents of those orders with their
timeline, messages and compensations, and the lines they sent back: all of one
shop, matched by e-mail address in any case, or by the order ids the request names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from plugin.incidents.views import show_incident
from plugin.scope import ShopScope
from plugin.storage.models import Incident, Order, ReturnedLine

FORMAT = "amends.customer-data/1"


def customer_data(
    session: Session,
    scope: ShopScope,
    email: str,
    at: datetime,
    order_ids: Iterable[str] = (),
) -> dict[str, Any] | None:
    """Return everything the shop in `scope` holds about the customer, or None when nothing."""
    wanted = email.strip().lower()
    orders = _orders(session, scope, wanted, order_ids)
    known = {order.platform_order_id for order in orders} | set(order_ids)
    incidents = session.scalars(
        scope.filter(select(Incident), Incident.shop_id)
        .where(
            or_(
                func.lower(Incident.customer_email) == wanted,
                Incident.platform_order_id.in_(known),
            )
        )
        .order_by(Incident.id)
    ).all()
    if not orders and not incidents:
        return None
    returned = session.scalars(
        scope.filter(select(ReturnedLine), ReturnedLine.shop_id)
        .where(ReturnedLine.platform_order_id.in_(known))
        .order_by(ReturnedLine.id)
    ).all()
    return {
        "format": FORMAT,
        "customer_email": wanted,
        "exported_at": at.isoformat(),
        "orders": [_order(order) for order in orders],
        "incidents": [show_incident(session, scope, incident.id) for incident in incidents],
        "returned_lines": [_returned(line) for line in returned],
    }


def _orders(
    session: Session, scope: ShopScope, email: str, order_ids: Iterable[str]
) -> list[Order]:
    query = scope.filter(select(Order), Order.shop_id).where(
        or_(func.lower(Order.customer_email) == email, Order.platform_order_id.in_(list(order_ids)))
    )
    return list(session.scalars(query.order_by(Order.id)))


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _order(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.platform_order_id,
        "name": order.name,
        "customer_email": order.customer_email,
        "customer_first_name": order.customer_first_name,
        "customer_locale": order.customer_locale,
        "currency": order.currency,
        "total_price": order.total_price,
        "shipping_total": order.shipping_total,
        "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status,
        "placed_at": _when(order.placed_at),
        "paid_at": _when(order.paid_at),
        "line_items": order.line_items,
        "shipments": order.shipments,
    }


def _returned(line: ReturnedLine) -> dict[str, Any]:
    return {
        "order_id": line.platform_order_id,
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "reason": line.reason,
        "reason_text": line.reason_text,
        "requested_at": _when(line.requested_at),
        "received_at": _when(line.received_at),
    }
