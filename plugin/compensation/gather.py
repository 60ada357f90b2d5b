"""Gather what a decision is made from, out of what Amends has seen of the shop.

The order (its value, the shipping paid), how late it is, the customer (orders,
spend, earlier incidents and compensations, matched by e-mail address within the
shop), what the shop spent this month, and what the incident had already: from
staff in the store or from Amends. Everything the caps count comes from the
compensations table, so the decision and the caps read the same record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import InvalidOperation
from typing import Any

from sqlalchemy import Row, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from plugin.compensation.facts import CustomerHistory, Given, IncidentFacts, PastCompensation
from plugin.compensation.money import Money, total
from plugin.compensation.policy import Policy
from plugin.compensation.records import COUNTED, GIVEN_BY_STAFF, counted, counted_at, value_of
from plugin.compensation.store import policy_of
from plugin.incidents.care import care_of
from plugin.orders.snapshot import find_order
from plugin.storage.models import CompensationRecord, Incident, Order, Shop

LATE_KINDS = frozenset({"delayed_shipment"})
# The longest window a cap looks back over (a policy's window_days is at most 730).
LOOK_BACK = timedelta(days=731)


@dataclass(frozen=True)
class Gathered:
    """Everything `decide` takes, for one incident at one moment."""

    policy: Policy
    facts: IncidentFacts
    history: CustomerHistory
    spend_so_far: Money
    given: tuple[Given, ...]


def gather(
    session: Session,
    incident: Incident,
    at: datetime,
    skip_decision: int | None = None,
    policy: Policy | None = None,
    order: Order | None = None,
) -> Gathered | str:
    """Return the facts of `incident` as of `at`, or say why it cannot be decided yet.

    `skip_decision` leaves one of the incident's decisions out of what it had (the
    one being approved or chosen, which is decided again). `policy` replaces the
    shop's own (a draft the merchant previews before saving it). `order` is the
    incident's order when the caller read it in this transaction already.
    """
    shop = session.get(Shop, incident.shop_id)
    if order is None:
        order = find_order(session, incident.shop_id, incident.platform_order_id)
    facts = _facts(incident, order, at)
    if shop is None or isinstance(facts, str):
        return facts if isinstance(facts, str) else "the shop is gone"
    policy = policy or policy_of(shop.settings)
    currency = policy.currency or facts.currency
    skip = None if skip_decision is None else (incident.id, skip_decision)
    calendar = care_of(session, shop.id).calendar
    month = calendar.local_day(at).replace(day=1)
    customer = _customer(session, incident, order)
    shop_rows = _shop_rows(
        session,
        incident.shop_id,
        at - LOOK_BACK,
        {incident.id, *(row.id for row in customer.earlier)},
        _month_bound(month),
    )
    own = [row for row in shop_rows if row.incident_id == incident.id]
    given = tuple(
        Given(row.kind, value_of(row), "staff" if row.status == GIVEN_BY_STAFF else "Amends")
        for row in counted(own, skip)
        if row.currency == currency
    )
    spent = [
        value_of(row)
        for row in counted(shop_rows, skip)
        if row.currency == currency and calendar.local_day(counted_at(row)) >= month
    ]
    history = _history(customer, shop_rows, currency, skip)
    return Gathered(policy, facts, history, total(spent, currency), given)


def _facts(incident: Incident, order: Order | None, at: datetime) -> IncidentFacts | str:
    """Read the order's value and shipping, or say what is missing."""
    if order is None or not order.currency or not order.total_price:
        return "the order is not known to Amends yet; decided once it is"
    try:
        value = Money.parse(order.total_price, order.currency)
        shipping = Money.parse(order.shipping_total or "0", order.currency)
    except (ValueError, InvalidOperation):
        return f"the order's amounts cannot be read ({order.total_price!r} {order.currency!r})"
    days_late = (at - incident.created_at).days if incident.kind in LATE_KINDS else None
    return IncidentFacts(incident.kind, at, value, shipping, days_late=days_late)


@dataclass(frozen=True)
class _Customer:
    """What the shop's orders and incidents say of the incident's customer."""

    orders: Sequence[Row[str | None, str | None]] = ()
    earlier: Sequence[Row[int, datetime]] = ()


def _customer(session: Session, incident: Incident, order: Order | None) -> _Customer:
    """Read the customer's orders and earlier incidents, matched by e-mail address."""
    email = (incident.customer_email or (order.customer_email if order else None) or "").lower()
    if not email:
        return _Customer()
    # Only what the history needs, not whole orders: a loyal customer has many.
    orders = session.execute(_CUSTOMER_ORDERS, {"shop_id": incident.shop_id, "email": email}).all()
    earlier = session.execute(
        _EARLIER_INCIDENTS,
        {"shop_id": incident.shop_id, "email": email, "incident_id": incident.id},
    ).all()
    return _Customer(orders, earlier)


# Built once: the worker reads them for each incident it opens.
_CUSTOMER_ORDERS = select(Order.currency, Order.total_price).where(
    Order.shop_id == bindparam("shop_id"), func.lower(Order.customer_email) == bindparam("email")
)
_EARLIER_INCIDENTS = select(Incident.id, Incident.created_at).where(
    Incident.shop_id == bindparam("shop_id"),
    func.lower(Incident.customer_email) == bindparam("email"),
    Incident.id != bindparam("incident_id"),
)


def _history(
    customer: _Customer,
    shop_rows: Sequence[Row[Any]],
    currency: str,
    skip: tuple[int, int] | None,
) -> CustomerHistory:
    """Return what the shop knows of the customer, from the orders and incidents Amends saw."""
    if not customer.orders and not customer.earlier:
        return CustomerHistory()
    spend = [
        Money.parse(o.total_price, currency)
        for o in customer.orders
        if o.currency == currency and o.total_price
    ]
    theirs = {row.id for row in customer.earlier}
    past = [row for row in counted(list(shop_rows), skip) if row.incident_id in theirs]
    return CustomerHistory(
        orders_count=len(customer.orders),
        lifetime_spend=total(spend, currency) if spend else None,
        incidents=tuple(row.created_at for row in customer.earlier),
        compensations=tuple(
            PastCompensation(counted_at(row), row.kind, value_of(row)) for row in past
        ),
    )


def _month_bound(month: date) -> datetime:
    """Return a moment no later than the start of `month` in any time zone (UTC-14 to +14)."""
    return datetime.combine(month, time(), tzinfo=UTC) - timedelta(days=1)


def _shop_rows(
    session: Session, shop_id: int, since: datetime, incidents: set[int], month: datetime
) -> list[Row[Any]]:
    """Return the columns the caps read of the shop's compensations that count against one.

    Only those a cap can reach: of `incidents` (the one decided and the customer's
    earlier ones), or of a decision with an option counted since `month` (a bound
    for the monthly budget, made exact by the caller). A decision is read whole or
    not at all, as the dearest of its waiting options is the one that counts.
    """
    return list(
        session.execute(
            _SHOP_ROWS,
            {"shop_id": shop_id, "since": since, "month": month, "incidents": list(incidents)},
        )
    )


_ROW = aliased(CompensationRecord)
_SIBLING = aliased(CompensationRecord)


def _counted_since(row: Any) -> Any:
    return func.coalesce(row.chosen_at, row.approved_at, row.created_at) >= bindparam("month")


# Built once: the worker decides for each incident it opens.
_SHOP_ROWS = select(
    _ROW.incident_id,
    _ROW.decision,
    _ROW.kind,
    _ROW.amount,
    _ROW.currency,
    _ROW.status,
    _ROW.chosen_at,
    _ROW.approved_at,
    _ROW.created_at,
).where(
    _ROW.shop_id == bindparam("shop_id"),
    _ROW.status.in_(COUNTED),
    _ROW.created_at > bindparam("since"),
    or_(
        _ROW.incident_id.in_(bindparam("incidents", expanding=True)),
        _counted_since(_ROW),
        exists().where(
            _SIBLING.incident_id == _ROW.incident_id,
            _SIBLING.decision == _ROW.decision,
            _SIBLING.status.in_(COUNTED),
            _SIBLING.created_at > bindparam("since"),
            _counted_since(_SIBLING),
        ),
    ),
)
