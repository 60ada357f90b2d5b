"""Carry out a compensation on the store, through the connector's actions role, exactly once.

The outbox row holds the action as it was decided; the connector makes it safe to
repeat (a code that exists is the earlier attempt's, a refund tagged with the key
is found before another is made, Shopify's `@idempotent` key on refundCreate). A
worker that dies mid-call leaves the row to be claimed again after its lease,
and the second attempt finds what the first made. Retryable errors are retried
by the outbox (honouring a platform's retry-after); a refusal is final: the
compensation is marked failed and the incident's timeline says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.actions import ADD_NOTE, ISSUE_COUPON, REFUND_SHIPPING
from plugin.compensation.notify import tell_customer
from plugin.compensation.records import FAILED, ISSUED, QUEUED, WITHDRAWN
from plugin.errors import InvalidInput
from plugin.incidents.timeline import add_timeline
from plugin.outbox.runner import Claim, Receipt
from plugin.platforms import (
    ActionResult,
    Actions,
    CouponSpec,
    NoteSpec,
    ShippingRefundSpec,
    ShopContext,
)
from plugin.storage.models import CompensationRecord, Incident, OutboxEntry

log = logging.getLogger("amends.compensation")

# Who acts for a shop: its connector's actions role and the shop as the connector sees it.
ActorFor = Callable[[int], tuple[Actions, ShopContext]]


class CompensationExecutor:
    """Execute the outbox's compensation rows on the stores."""

    def __init__(self, actor_for: ActorFor) -> None:
        """Act for a shop through `actor_for(shop_id)`, built by the worker's wiring."""
        self.actor_for = actor_for

    def carry_out(self, claim: Claim, done: Callable[[Receipt], None]) -> None:
        """Ask the store for the action the row holds; report what it made."""
        actions, shop = self.actor_for(claim.shop_id)
        result = perform(actions, shop, claim.key, claim.payload)
        done(
            Receipt(
                platform_ref=result.platform_ref,
                warnings=result.warnings,
                customer_notified=result.customer_notified,
            )
        )

    def succeeded(self, session: Session, entry: OutboxEntry, receipt: Receipt) -> None:
        """Mark the compensation issued, note it on the timeline and tell the customer."""
        row, incident = _row_and_incident(session, entry)
        if row is None or incident is None:
            return
        row.status = ISSUED
        row.platform_ref = receipt.platform_ref
        row.warnings = list(receipt.warnings)
        row.error = None
        row.issued_at = clock_of(session).now()
        detail = _detail(row) | {"platform_ref": row.platform_ref, "warnings": row.warnings}
        add_timeline(session, incident.id, "compensation_issued", detail)
        tell_customer(session, incident, row, platform_told=receipt.customer_notified)
        log.info("compensation.issued", extra={"key": row.idempotency_key})

    def failed(self, session: Session, entry: OutboxEntry) -> None:
        """Mark the compensation failed and say why on the incident's timeline."""
        row, incident = _row_and_incident(session, entry)
        if row is None or incident is None:
            return
        row.status = FAILED
        row.error = entry.last_error
        detail = _detail(row) | {"error": row.error, "attempts": entry.attempts}
        add_timeline(session, incident.id, "compensation_failed", detail)


def requeued(session: Session, entry: OutboxEntry) -> None:
    """Put a failed compensation back in the queue with its row: it is being tried again.

    What happens next reaches the timeline as it always does (issued, or failed).
    """
    row = _row_of_key(session, entry.idempotency_key)
    if row is not None and row.status == FAILED:
        row.status = QUEUED
        row.error = None


def withdraw_unsent(session: Session, key: str, why: str) -> None:
    """Withdraw a compensation whose row will never be carried out; it counts no more."""
    row = _row_of_key(session, key)
    if row is not None and row.status == QUEUED:
        row.status = WITHDRAWN
        row.error = why


def _row_of_key(session: Session, key: str) -> CompensationRecord | None:
    return session.scalar(
        select(CompensationRecord).where(CompensationRecord.idempotency_key == key)
    )


def perform(actions: Actions, shop: ShopContext, key: str, payload: dict[str, Any]) -> ActionResult:
    """Carry out one action as the payload describes it."""
    action = payload.get("action")
    if action == ISSUE_COUPON:
        return actions.issue_coupon(shop, coupon_spec(payload))
    if action == REFUND_SHIPPING:
        spec = ShippingRefundSpec(
            order_id=payload["order_id"],
            idempotency_key=key,
            reason=payload["reason"],
            amount=Decimal(payload["amount"]),
            notify=False,  # the customer hears it from the shop, in their language
            through_gateway=bool(payload.get("through_gateway", True)),
        )
        return actions.refund_shipping(shop, spec)
    if action == ADD_NOTE:
        return actions.add_note(shop, NoteSpec(payload["order_id"], key, payload["text"]))
    raise InvalidInput(f"unknown compensation action {action!r}")


def coupon_spec(payload: dict[str, Any]) -> CouponSpec:
    """Rebuild the coupon the decision fixed: code, amount, first and last day."""
    expires = payload.get("expires_on")
    return CouponSpec(
        code=payload["code"],
        kind=payload["coupon_kind"],
        amount=Decimal(payload["amount"]),
        customer_email=payload.get("customer_email"),
        expires_on=date.fromisoformat(expires) if expires else None,
        description=payload.get("description", ""),
        starts_at=datetime.fromisoformat(payload["starts_at"]),
    )


def _row_and_incident(
    session: Session, entry: OutboxEntry
) -> tuple[CompensationRecord | None, Incident | None]:
    compensation_id = entry.payload.get("compensation_id")
    row = session.get(CompensationRecord, compensation_id) if compensation_id is not None else None
    incident = session.get(Incident, entry.incident_id) if entry.incident_id else None
    return row, incident


def _detail(row: CompensationRecord) -> dict[str, Any]:
    return {
        "key": row.idempotency_key,
        "kind": row.kind,
        "amount": f"{row.amount:f}",
        "currency": row.currency,
        "code": row.code,
    }
