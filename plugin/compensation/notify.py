"""Tell the customer what they were given, in their language, with the code and how to use it.

A coupon or free-shipping code is told with its code and last day; a shipping
refund with its amount, unless the store told the customer itself (WooCommerce
e-mails every refund), so that nobody hears of one refund twice. A gift is for
staff to send, and says itself when it arrives.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.compensation.records import COUPON_KINDS
from plugin.incidents.customer import queue_compensation_message
from plugin.storage.models import CompensationRecord, Incident


def message_key(row: CompensationRecord) -> str:
    """Name the message about a compensation after the compensation itself."""
    return f"{row.idempotency_key}:message"


def tell_customer(
    session: Session, incident: Incident, row: CompensationRecord, *, platform_told: bool
) -> int | None:
    """Queue the message about `row`, issued just now; None when there is nothing to tell."""
    if row.kind not in COUPON_KINDS and (row.kind != "shipping_refund" or platform_told):
        return None
    told = {
        "kind": row.kind,
        "amount": f"{row.amount:f}",
        "currency": row.currency,
        "percent": None if row.percent is None else f"{row.percent:f}",
        "code": row.code,
        "valid_until": row.expires_on.isoformat() if row.expires_on else None,
    }
    return queue_compensation_message(session, incident, message_key(row), told)
