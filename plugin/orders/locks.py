"""One transaction at a time per order, where several workers could cross.

A return can be processed while its order is, by another worker: the incident the
return opens reads the order for the customer's address, and the order, once stored,
completes the incidents opened before it. Under PostgreSQL's read-committed
isolation each transaction could miss the other's uncommitted work, leaving an
incident nobody addresses. Both take this lock first, so the second one to come
sees what the first committed. SQLite writes one transaction at a time already.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_order(session: Session, shop_id: int, order_id: str) -> None:
    """Hold the order's lock until the transaction ends (PostgreSQL; a no-op on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = (shop_id << 32) ^ zlib.crc32(order_id.encode())
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
