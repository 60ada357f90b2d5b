"""Open incidents and write their timeline."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, literal_column, select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.decisions import decide_for
from plugin.events import OrderChanged
from plugin.incidents import KINDS
from plugin.incidents.customer import acknowledge
from plugin.incidents.targets import watch
from plugin.incidents.timeline import add_timeline
from plugin.orders.locks import lock_order
from plugin.orders.snapshot import find_order
from plugin.storage.models import Incident, Order
from plugin.storage.upsert import insert_new

__all__ = [
    "ORDER_HAS_ACTIVE",
    "add_timeline",
    "fill_from_order",
    "open_incident",
    "open_incident_of",
    "open_key",
]


def open_key(kind: str, order_id: str) -> str:
    """Name the one open incident of `kind` an order may have."""
    return f"{kind}:{order_id}"


def open_incident(
    session: Session,
    shop_id: int,
    order_id: str,
    kind: str,
    detail: dict[str, Any],
    order: Order | None = None,
    actor: str = "system",
) -> Incident | None:
    """Open an incident of `kind` for an order; return None if one is open already.

    The unique open key makes this safe under retries and concurrent workers:
    the second attempt inserts nothing. The customer's acknowledgement and what the
    incident earns under the shop's compensation policy are written in the same
    transaction, and the shop's service targets start counting.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown incident kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    lock_order(session, shop_id, order_id)  # see what a worker storing the order committed
    order = order or find_order(session, shop_id, order_id)  # read again, under the lock
    now = clock_of(session).now()
    incident_id = insert_new(
        session,
        Incident,
        {
            "shop_id": shop_id,
            "platform_order_id": order_id,
            "kind": kind,
            "status": "open",
            "open_key": open_key(kind, order_id),
            "order_name": order.name if order else None,
            "customer_email": order.customer_email if order else None,
            "locale": order.customer_locale if order else None,
            "created_at": now,
            "updated_at": now,
        },
        unique=("shop_id", "open_key"),
    )
    if incident_id is None:
        return None
    add_timeline(session, incident_id, "incident_opened", detail, actor=actor)
    incident = session.get(Incident, incident_id)
    if incident is not None:
        watch(session, incident)
        acknowledge(session, incident, order)
        decide_for(session, incident, order=order, opened=True)
    return incident


def open_incident_of(session: Session, shop_id: int, order_id: str, kind: str) -> Incident | None:
    """Return the order's open incident of `kind`, if it has one."""
    return session.scalar(
        select(Incident).where(
            Incident.shop_id == shop_id, Incident.open_key == open_key(kind, order_id)
        )
    )


# An order's active incidents; built once, the worker asks for every order state.
_ACTIVE = select(Incident).where(
    Incident.shop_id == bindparam("shop_id"),
    Incident.platform_order_id == bindparam("order_id"),
    Incident.open_key.is_not(None),
)


# Whether the order being stored has active incidents, read by the statement storing
# it: most orders have none, and then none is read nor completed (fill_from_order).
# A RETURNING clause names its table's columns bare, so the order's are named whole.
_OTHERS = cast(Table, Incident.__table__).alias("active")
ORDER_HAS_ACTIVE = (
    exists()
    .where(
        _OTHERS.c.shop_id == literal_column(f"{Order.__tablename__}.shop_id"),
        _OTHERS.c.platform_order_id == literal_column(f"{Order.__tablename__}.platform_order_id"),
        _OTHERS.c.open_key.is_not(None),
    )
    .label("has_active_incidents")
)


def fill_from_order(session: Session, shop_id: int, order: OrderChanged) -> int:
    """Complete open incidents of `order` opened before the order itself was known.

    Returns deliveries are thin (no customer, no order name), and platforms do not
    order deliveries, so a return can arrive before its order. `order` is the state
    just stored for it. A customer whose address was not known then is acknowledged now,
    and an incident that could not be decided without its order is decided now.
    Return how many of the order's incidents are active (an open key is an active
    incident's: plugin.incidents.states).
    """
    incidents = session.scalars(_ACTIVE, {"shop_id": shop_id, "order_id": order.order_id}).all()
    for incident in incidents:
        addressed = incident.customer_email is not None
        incident.order_name = incident.order_name or order.name
        incident.customer_email = incident.customer_email or order.customer_email
        incident.locale = incident.locale or order.customer_locale
        if not addressed and incident.customer_email:
            acknowledge(session, incident)
        decide_for(session, incident, quiet=True)
    return len(incidents)
