"""Privacy requests and uninstalls: what a shop's customers and merchant can demand.

Redaction removes personal data (e-mail addresses, first names, the customer's own
words, raw payloads) and keeps what is anonymous: incidents by kind, status and time.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from plugin.compensation.execute import withdraw_unsent
from plugin.events import (
    CustomerDataRequested,
    CustomerRedactionRequested,
    Event,
    ShopRedactionRequested,
    ShopUninstalled,
)
from plugin.inbox import PENDING
from plugin.incidents.lifecycle import add_timeline
from plugin.outbox import COMPENSATION, EMAIL, FAILED, SENT
from plugin.outbox import KINDS as OUTBOX_KINDS
from plugin.shops import UNINSTALLED
from plugin.storage.models import InboxDelivery, Incident, Order, OutboxEntry, Parcel, Shop

log = logging.getLogger("amends.compliance")

REDACTED_BODY = b'{"redacted": true}'
PERSONAL_DETAIL_KEYS = ("reason_text", "lines", "message", "error")
# What a message's outbox row may keep once its customer is erased: not whom it was for.
KEPT_MESSAGE_KEYS = ("incident_kind", "stage", "locale", "next_update")
ERASED_BEFORE_SENT = "not sent: the customer's data was erased first"


def erases_personal_data(event: Event) -> bool:
    """Tell whether handling `event` erased personal data.

    Its own payload then goes too (a customer's redaction request names the e-mail
    and phone it erases, and is still pending while the other payloads are
    scrubbed), and the store is asked to keep no old copy of what was erased.
    """
    return isinstance(event, CustomerRedactionRequested | ShopRedactionRequested)


def on_shop_uninstalled(session: Session, shop_id: int, event: ShopUninstalled) -> None:
    """Mark the shop uninstalled: its token is revoked and nothing may act for it.

    Its incidents owe their customers no more updates and its merchant no more
    alerts, and its orders and parcels are checked no more (so nothing of it stays in
    the due-time indexes); messages still queued stay as they are and are not sent
    (the outbox takes only active shops' rows).
    """
    session.execute(update(Shop).where(Shop.id == shop_id).values(status=UNINSTALLED))
    for model in (Incident, Order, Parcel):
        session.execute(
            update(model)
            .where(model.shop_id == shop_id, model.next_due_at.is_not(None))
            .values(next_due_at=None)
        )
    session.execute(
        update(Incident)
        .where(Incident.shop_id == shop_id, Incident.sla_due_at.is_not(None))
        .values(sla_due_at=None)
    )
    log.warning("compliance.shop-uninstalled", extra={"shop": shop_id})


def on_customer_redaction(
    session: Session, shop_id: int, event: CustomerRedactionRequested
) -> None:
    """Erase one customer's personal data from orders, incidents, timelines and payloads."""
    order_ids = set(event.order_ids)
    if event.email:
        order_ids |= set(
            session.scalars(
                select(Order.platform_order_id).where(
                    Order.shop_id == shop_id, Order.customer_email == event.email
                )
            )
        )
    # The merchant's alerts about these orders say nothing of the customer: they stay.
    # A compensation not carried out yet names the customer (a coupon only they may
    # use): it is forgotten with them, and never carried out.
    _scrub_orders(session, shop_id, order_ids, messages=(EMAIL, COMPENSATION))
    _scrub_payloads(session, shop_id, [event.email, event.phone, *order_ids])
    log.info("compliance.customer-redacted", extra={"shop": shop_id, "orders": len(order_ids)})


def on_shop_redaction(session: Session, shop_id: int, event: ShopRedactionRequested) -> None:
    """Erase the shop's personal data; keep incidents only as anonymous counts."""
    order_ids = set(
        session.scalars(select(Order.platform_order_id).where(Order.shop_id == shop_id))
    )
    order_ids |= set(
        session.scalars(select(Incident.platform_order_id).where(Incident.shop_id == shop_id))
    )
    _scrub_orders(session, shop_id, order_ids, messages=OUTBOX_KINDS)
    session.execute(delete(Order).where(Order.shop_id == shop_id))
    session.execute(
        delete(InboxDelivery).where(
            InboxDelivery.shop_id == shop_id, InboxDelivery.status != PENDING
        )
    )
    log.warning("compliance.shop-redacted", extra={"shop": shop_id})


def on_customer_data_request(session: Session, shop_id: int, event: CustomerDataRequested) -> None:
    """Record what is held about the customer, for the merchant to hand over."""
    held = session.scalars(
        select(Incident.id).where(
            Incident.shop_id == shop_id,
            or_(
                Incident.customer_email == event.email,
                Incident.platform_order_id.in_(event.order_ids),
            ),
        )
    ).all()
    log.info(
        "compliance.data-requested",
        extra={"shop": shop_id, "request": event.request_id, "incidents": list(held)},
    )


def _scrub_orders(
    session: Session, shop_id: int, order_ids: set[str], messages: tuple[str, ...]
) -> None:
    if not order_ids:
        return
    session.execute(
        update(Order)
        .where(Order.shop_id == shop_id, Order.platform_order_id.in_(order_ids))
        .values(customer_email=None, customer_first_name=None)
    )
    incidents = session.scalars(
        select(Incident).where(
            Incident.shop_id == shop_id, Incident.platform_order_id.in_(order_ids)
        )
    ).all()
    for incident in incidents:
        incident.customer_email = None
        for entry in incident.timeline:
            entry.detail = _without_personal(entry.detail)
        _scrub_messages(session, incident.id, messages)
        add_timeline(session, incident.id, "customer_data_redacted", {}, actor="platform")


def _scrub_messages(session: Session, incident_id: int, kinds: tuple[str, ...]) -> None:
    """Forget whom an incident's messages of `kinds` were for; one not sent yet never will be."""
    entries = session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.incident_id == incident_id, OutboxEntry.kind.in_(kinds)
        )
    )
    for entry in entries:
        entry.payload = {k: v for k, v in entry.payload.items() if k in KEPT_MESSAGE_KEYS}
        entry.last_error = None
        if entry.status not in (SENT, FAILED):
            entry.status = FAILED
            entry.last_error = ERASED_BEFORE_SENT
            if entry.kind == COMPENSATION:
                withdraw_unsent(session, entry.idempotency_key, ERASED_BEFORE_SENT)


def _without_personal(detail: dict) -> dict:
    return {key: value for key, value in detail.items() if key not in PERSONAL_DETAIL_KEYS}


def _scrub_payloads(session: Session, shop_id: int, needles: list[str | None]) -> None:
    """Replace stored payloads that mention the customer (processed ones only)."""
    words = [needle.encode() for needle in needles if needle]
    if not words:
        return
    rows = session.scalars(
        select(InboxDelivery).where(
            InboxDelivery.shop_id == shop_id, InboxDelivery.status != PENDING
        )
    )
    for row in rows:
        if any(word in row.body for word in words):
            row.body = REDACTED_BODY
