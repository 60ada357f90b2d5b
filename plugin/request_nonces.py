"""Nonces of signed requests: each is accepted once per shop, and forgotten once stale.

A signed request carries a timestamp and a nonce. The timestamp bounds how long a
captured request could be replayed; the nonce, stored until that bound has passed,
makes the replay fail inside it. "Seen before" is the unique (shop, nonce)
constraint answering, never a lookup followed by an insert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.storage.models import RequestNonce
from plugin.storage.upsert import insert_new


def spend_nonce(session: Session, shop_id: int, nonce: str, expires_at: datetime) -> bool:
    """Record that `shop_id` used `nonce`; return False when it had used it already.

    `expires_at` is when the request's timestamp stops being accepted; the row is
    kept until then. Rows past their time are deleted on the way (an indexed range).
    """
    now = clock_of(session).now()
    forget_stale_nonces(session, now)
    spent = insert_new(
        session,
        RequestNonce,
        {"shop_id": shop_id, "nonce": nonce, "expires_at": expires_at, "created_at": now},
        unique=("shop_id", "nonce"),
    )
    return spent is not None


def forget_stale_nonces(session: Session, now: datetime) -> int:
    """Delete the nonces whose requests could no longer be accepted; return how many."""
    result = session.execute(delete(RequestNonce).where(RequestNonce.expires_at < now))
    return result.rowcount or 0  # type: ignore[attr-defined]
