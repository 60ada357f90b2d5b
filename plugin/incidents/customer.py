"""What the customer hears about their incident, and when.

An incident that opens queues its acknowledgement at once. While it is being
handled, an update is due `update_every_days` (the shop's care settings) after the
last message: the incident's indexed `next_due_at` says when, and the scheduler
takes only the incidents whose time has come (plugin.incidents.cadence). When it
resolves, the customer is told, with an apology and thanks.

Every message is an outbox row written in the same transaction as the change that
calls for it, under an idempotency key derived from the incident and the stage, so
a decision taken twice queues one message. Nothing is queued for a shop that
uninstalled Amends, and a customer with no known e-mail address gets nothing; the
timeline says so. The channel is e-mail on both platforms (see README, "Messages
and the outbox").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.incidents import MERCHANT_KINDS
from plugin.incidents.care import CareSettings, care_of
from plugin.incidents.timeline import add_timeline
from plugin.messaging.locale import resolve_locale
from plugin.messaging.voice import default_locale
from plugin.orders.snapshot import find_order
from plugin.outbox import EMAIL
from plugin.outbox.store import count_keyed, enqueue, has_unsent
from plugin.shops import ACTIVE
from plugin.storage.models import Incident, Order, Shop

log = logging.getLogger("amends.incidents")

ACKNOWLEDGEMENT = "acknowledgement"
UPDATE = "update"
RESOLUTION = "resolution"
COMPENSATION = "compensation"  # what the customer was given, with a code and how to use it
NO_ADDRESS = "no e-mail address is known for the customer"


def message_key(incident_id: int, stage: str, number: int | None = None) -> str:
    """Name one message of an incident: `incident:12:acknowledgement`, `incident:12:update:3`."""
    key = f"incident:{incident_id}:{stage}"
    return key if number is None else f"{key}:{number}"


@dataclass(frozen=True)
class Audience:
    """Whom a message goes to, in which language, under which shop's promises."""

    recipient: str
    locale: str
    care: CareSettings


def acknowledge(session: Session, incident: Incident, order: Order | None = None) -> int | None:
    """Queue the acknowledgement of a new incident; return its outbox id, None if not queued.

    Called again once the customer's address becomes known (the order arrived after
    the return that opened the incident); an acknowledgement queued before is kept.
    `order` is the incident's order when the caller read it in this transaction
    already; otherwise it is read.
    """
    audience = _audience(session, incident, ACKNOWLEDGEMENT)
    if audience is None:
        return None
    now = clock_of(session).now()
    next_due = now + timedelta(days=audience.care.update_every_days)
    key = message_key(incident.id, ACKNOWLEDGEMENT)
    return _queue(session, incident, audience, ACKNOWLEDGEMENT, key, next_due, order)


def queue_update(session: Session, incident: Incident, now: datetime) -> int | None:
    """Queue the incident's next progress update and set when the one after it is due.

    An update is not stacked on a message still waiting to go (the mail server is
    down, or not configured yet): the customer would get them all at once, the
    older ones stale. The next update is then due a cadence later.
    """
    audience = _audience(session, incident, UPDATE)
    if audience is None:
        incident.next_due_at = None  # nobody to write to: stop asking
        return None
    next_due = now + timedelta(days=audience.care.update_every_days)
    if has_unsent(session, incident.id):
        incident.next_due_at = next_due
        log.info("incidents.update-postponed", extra={"incident": incident.id})
        return None
    prefix = message_key(incident.id, UPDATE) + ":"
    key = message_key(incident.id, UPDATE, count_keyed(session, incident.id, prefix) + 1)
    return _queue(session, incident, audience, UPDATE, key, next_due)


def on_resolved(session: Session, incident: Incident) -> int | None:
    """Stop the updates and queue the resolution, with apology and thanks."""
    incident.next_due_at = None
    audience = _audience(session, incident, RESOLUTION)
    if audience is None:
        return None
    # A reopened incident that resolves again says so again: the second is :2.
    prefix = message_key(incident.id, RESOLUTION)
    earlier = count_keyed(session, incident.id, prefix)
    key = message_key(incident.id, RESOLUTION, earlier + 1 if earlier else None)
    return _queue(session, incident, audience, RESOLUTION, key, None)


def queue_compensation_message(
    session: Session, incident: Incident, key: str, compensation: dict[str, Any]
) -> int | None:
    """Queue the message that tells the customer what they were given; None if not queued.

    `compensation` is what the message says (kind, amount, currency, percent, code,
    valid_until); `key` names the message after the compensation it tells of. It
    promises no date: the incident's own updates keep doing that.
    """
    audience = _audience(session, incident, COMPENSATION)
    if audience is None:
        return None
    payload = _payload(session, incident, audience, COMPENSATION, None)
    payload["compensation"] = compensation
    entry_id = enqueue(
        session,
        shop_id=incident.shop_id,
        incident_id=incident.id,
        key=key,
        kind=EMAIL,
        payload=payload,
    )
    if entry_id is not None:
        detail = {"stage": COMPENSATION, "channel": EMAIL, "locale": audience.locale, "key": key}
        add_timeline(session, incident.id, "message_queued", detail)
    return entry_id


def on_closed(session: Session, incident: Incident) -> None:
    """Stop the updates of an incident that is over."""
    incident.next_due_at = None


def on_reopened(session: Session, incident: Incident) -> None:
    """Start the updates again, the first one cadence days from now."""
    shop = session.get(Shop, incident.shop_id)
    if shop is None or shop.status != ACTIVE or not incident.customer_email:
        return
    cadence = CareSettings.of(shop.settings).update_every_days
    incident.next_due_at = clock_of(session).now() + timedelta(days=cadence)


def _audience(session: Session, incident: Incident, stage: str) -> Audience | None:
    """Return whom to write to, or None when no message may go (noted when it matters)."""
    if incident.kind in MERCHANT_KINDS:
        return None  # about a product, not an order: no customer to write to
    shop = session.get(Shop, incident.shop_id)
    if shop is None or shop.status != ACTIVE:
        return None  # an uninstalled shop's customers hear nothing more from Amends
    if not incident.customer_email:
        detail = {"stage": stage, "reason": NO_ADDRESS}
        add_timeline(session, incident.id, "message_skipped", detail)
        return None
    locale = resolve_locale(incident.locale, None, default_locale(shop.settings))
    return Audience(incident.customer_email, locale, care_of(session, shop.id))


def _payload(
    session: Session,
    incident: Incident,
    audience: Audience,
    stage: str,
    next_update: date | None,
    order: Order | None = None,
) -> dict[str, Any]:
    """Return what every message's outbox row holds: whom, which, in what language."""
    if order is None:
        order = find_order(session, incident.shop_id, incident.platform_order_id)
    return {
        "to": audience.recipient,
        # As the order names the customer now; a redaction erases it with the address.
        "customer_first_name": order.customer_first_name if order else None,
        "incident_kind": incident.kind,
        "stage": stage,
        "locale": audience.locale,
        "order_name": incident.order_name or incident.platform_order_id,
        "next_update": next_update.isoformat() if next_update else None,
    }


def _queue(
    session: Session,
    incident: Incident,
    audience: Audience,
    stage: str,
    key: str,
    next_due: datetime | None,
    order: Order | None = None,
) -> int | None:
    """Write the message's outbox row and note it; None when `key` was queued before."""
    next_update = audience.care.calendar.local_day(next_due) if next_due else None
    payload = _payload(session, incident, audience, stage, next_update, order)
    entry_id = enqueue(
        session,
        shop_id=incident.shop_id,
        incident_id=incident.id,
        key=key,
        kind=EMAIL,
        payload=payload,
    )
    if entry_id is None:
        return None
    incident.next_due_at = next_due
    detail = {"stage": stage, "channel": EMAIL, "locale": audience.locale, "key": key}
    add_timeline(session, incident.id, "message_queued", detail)
    log.info("incidents.message-queued", extra={"incident": incident.id, "key": key})
    return entry_id
