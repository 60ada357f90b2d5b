"""Gather what a decision is made from, out of what Amends has seen of the shop.

The order (its value, the shipping paid), how late it is, the customer (orders,
spend, earlier incidents and compensations, matched by e-mail address within the
shop), what the shop spent this month, and what the incident had already: from
staff in the store or from Amends. Everything the caps count comes from the
compensations table, so the decision and the caps read the same record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
) -> Gathered | str:
    """Return the facts of `incident` as of `at`, or say why it cannot be decided yet.

    `skip_decision` leaves one of the incident's decisions out of what it had (the
    one being approved or chosen, which is decided again). `policy` replaces the
    shop's own (a draft the merchant previews before saving it).
    """
    shop = session.get(Shop, incident.shop_id)
    order = find_order(session, incident.shop_id, incident.platform_order_id)
    facts = _facts(incident, order, at)
    if shop is None or isinstance(facts, str):
        return facts if isinstance(facts, str) else "the shop is gone"
    policy = policy or policy_of(shop.settings)
    currency = policy.currency or facts.currency
    skip = None if skip_decision is None else (incident.id, skip_decision)
    shop_rows = _shop_rows(session, incident.shop_id, at - LOOK_BACK)
    own = [row for row in shop_rows if row.incident_id == incident.id]
    given = tuple(
        Given(row.kind, value_of(row), "staff" if row.status == GIVEN_BY_STAFF else "Amends")
        for row in counted(own, skip)
        if row.currency == currency
    )
    calendar = care_of(session, shop.id).calendar
    month = calendar.local_day(at).replace(day=1)
    spent = [
        value_of(row)
        for row in counted(shop_rows, skip)
        if row.currency == currency and calendar.local_day(counted_at(row)) >= month
    ]
    history = _history(session, incident, order, shop_rows, currency, skip)
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


def _history(
    session: Session,
    incident: Incident,
    order: Order | None,
    shop_rows: list[CompensationRecord],
    currency: str,
    skip: tuple[int, int] | None,
) -> CustomerHistory:
    """Return what the shop knows of the customer, from the orders and incidents Amends saw."""
    email = (incident.customer_email or (order.customer_email if order else None) or "").lower()
    if not email:
        return CustomerHistory()
    # Only what the history needs, not whole orders: a loyal customer has many.
    orders = session.execute(
        select(Order.currency, Order.total_price).where(
            Order.shop_id == incident.shop_id, func.lower(Order.customer_email) == email
        )
    ).all()
    spend = [
        Money.parse(o.total_price, currency)
        for o in orders
        if o.currency == currency and o.total_price
    ]
    earlier = session.execute(
        select(Incident.id, Incident.created_at).where(
            Incident.shop_id == incident.shop_id,
            func.lower(Incident.customer_email) == email,
            Incident.id != incident.id,
        )
    ).all()
    theirs = {row.id for row in earlier}
    past = [row for row in counted(shop_rows, skip) if row.incident_id in theirs]
    return CustomerHistory(
        orders_count=len(orders),
        lifetime_spend=total(spend, currency) if spend else None,
        incidents=tuple(row.created_at for row in earlier),
        compensations=tuple(
            PastCompensation(counted_at(row), row.kind, value_of(row)) for row in past
        ),
    )


def _shop_rows(session: Session, shop_id: int, since: datetime) -> list[CompensationRecord]:
    """Return the shop's compensations since `since` that count against a cap."""
    query = select(CompensationRecord).where(
        CompensationRecord.shop_id == shop_id,
        CompensationRecord.status.in_(COUNTED),
        CompensationRecord.created_at > since,
    )
    return list(session.scalars(query))
