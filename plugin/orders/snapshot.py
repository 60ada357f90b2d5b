"""Record order states so that an older delivery never overwrites a newer one."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.events import OrderChanged, Shipment
from plugin.storage.models import Order
from plugin.storage.upsert import upsert_newer


def record_order_state(session: Session, shop_id: int, event: OrderChanged) -> bool:
    """Store `event` as the order's state unless a newer one is stored; tell whether it was."""
    now = clock_of(session).now()
    values = {
        "shop_id": shop_id,
        "platform_order_id": event.order_id,
        "name": event.name,
        "status": event.status,
        "financial_status": event.financial_status,
        "fulfillment_status": event.fulfillment_status,
        "customer_email": event.customer_email,
        "customer_locale": event.customer_locale,
        "currency": event.currency,
        "total_price": event.total_price,
        "placed_at": event.placed_at,
        "paid_at": event.paid_at,
        "platform_updated_at": event.updated_at,
        "line_items": {"lines": [asdict(line) for line in event.line_items]},
        "shipping_total": event.shipping_total,
        "shipments": {"parcels": [_shipment(parcel) for parcel in event.shipments]},
        "created_at": now,
        "updated_at": now,
    }
    key = ("shop_id", "platform_order_id")
    return upsert_newer(session, Order, values, key, version="platform_updated_at") is not None


def find_order(session: Session, shop_id: int, order_id: str) -> Order | None:
    """Return the stored state of one order of one shop."""
    return session.scalar(
        select(Order).where(Order.shop_id == shop_id, Order.platform_order_id == order_id)
    )


def _shipment(parcel: Shipment) -> dict[str, str | None]:
    shipped_at = parcel.shipped_at.isoformat() if parcel.shipped_at else None
    return asdict(parcel) | {"shipped_at": shipped_at}
