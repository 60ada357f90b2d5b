"""Small readers tests use to look at what the app stored."""

from __future__ import annotations

from sqlalchemy import func, select

from plugin.runtime import Runtime
from plugin.storage.models import InboxDelivery


def inbox_count(runtime: Runtime) -> int:
    """Return how many deliveries the inbox holds."""
    with runtime.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(InboxDelivery))


def inbox_rows(runtime: Runtime) -> list[InboxDelivery]:
    """Return every stored delivery, oldest first."""
    with runtime.database.transaction() as session:
        return list(session.scalars(select(InboxDelivery).order_by(InboxDelivery.id)))
