"""Queue a compensation's execution: the outbox row the worker carries out on the store.

The row is written in the transaction that decides (a grant), approves or
chooses, under the compensation's idempotency key, and holds everything the
action needs, fixed now: the coupon's code, its first and last day, the amount of
a refund. A second attempt after a crash therefore asks the store for exactly the
same thing, and the store's answer ("this code exists", the refund tagged with
the key) tells it the first one went through.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.records import COUPON_KINDS, QUEUED
from plugin.compensation.store import policy_of
from plugin.incidents.care import CareSettings
from plugin.outbox import COMPENSATION
from plugin.outbox.store import enqueue
from plugin.storage.models import CompensationRecord, Incident, Shop

ISSUE_COUPON = "issue_coupon"
REFUND_SHIPPING = "refund_shipping"
ADD_NOTE = "add_note"
# Codes a customer types: capitals and digits, without the ones read alike (0/O, 1/I).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
COUPON_KIND = {"percent_coupon": "percent", "fixed_coupon": "fixed_amount"}


def new_code(prefix: str = "SORRY") -> str:
    """Return a coupon code no one can guess (about 50 bits), fixed once per compensation."""
    return f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def queue_execution(session: Session, incident: Incident, row: CompensationRecord) -> int | None:
    """Mark `row` queued and write the outbox row that executes it; None if queued before."""
    shop = session.get(Shop, row.shop_id)
    settings = shop.settings if shop else {}
    now = clock_of(session).now()
    row.status = QUEUED
    row.choose_by = None
    if row.kind in COUPON_KINDS:
        row.code = row.code or new_code()
        local_today = CareSettings.of(settings).calendar.local_day(now)
        row.expires_on = row.expires_on or local_today + timedelta(days=row.expires_in_days or 60)
    payload = {"compensation_id": row.id, **_action(incident, row, settings, now.isoformat())}
    return enqueue(
        session,
        shop_id=row.shop_id,
        incident_id=incident.id,
        key=row.idempotency_key,
        kind=COMPENSATION,
        payload=payload,
    )


def _action(
    incident: Incident, row: CompensationRecord, settings: dict[str, Any], now: str
) -> dict[str, Any]:
    """Return what the worker asks the store for, in the platform-neutral specs' words."""
    order = incident.platform_order_id
    label = incident.order_name or order
    if row.kind in COUPON_KINDS:
        return {
            "action": ISSUE_COUPON,
            "code": row.code,
            "coupon_kind": COUPON_KIND.get(row.kind, "free_shipping"),
            "amount": f"{row.percent if row.kind == 'percent_coupon' else row.amount:f}",
            "customer_email": incident.customer_email,
            "expires_on": row.expires_on.isoformat() if row.expires_on else None,
            "starts_at": now,
            "description": f"Amends: apology for order {label} (incident {incident.id})",
        }
    if row.kind == "shipping_refund":
        return {
            "action": REFUND_SHIPPING,
            "order_id": order,
            "amount": f"{row.amount:f}",
            "reason": f"Amends: shipping refunded for incident {incident.id} ({row.rule})",
            "through_gateway": policy_of(settings).refunds.through_gateway,
        }
    return {
        "action": ADD_NOTE,
        "order_id": order,
        "text": f"Amends: send the customer a gift for incident {incident.id}: {row.description}",
    }
