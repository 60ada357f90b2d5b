"""Bring a store's past orders, returns and refunds into the inbox, page by page, resumably.

A new install has reports from day one: the connector reads the store's history
within its rate limits, and each order (with its refunds and returns) goes through
the inbox as a delivery does, so the worker turns it into the same events, keyed
the same way, as the webhooks would have. Those events come as `Backfilled`: kept
for the reports, acted on by nothing (no incident, no message about a matter long
settled). An order whose webhook also arrives is counted once: order and returned
lines are upserts on the platform's own ids.

Each page's deliveries and the checkpoint after it commit together, so a backfill
stopped anywhere resumes after the last page kept, and running it again once it is
complete reads nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.errors import InvalidInput
from plugin.inbox.store import record_deliveries
from plugin.platforms import Backfill, HistoryPage
from plugin.services import Runtime
from plugin.shops import ACTIVE, get_shop
from plugin.storage.models import BackfillCheckpoint, Shop
from plugin.sync import order_delivery, shop_context

log = logging.getLogger("amends.backfill")

# Orders carry their refunds and returns: one resource, one checkpoint per shop.
ORDERS = "orders"


@dataclass(frozen=True)
class Progress:
    """How far a shop's backfill got: pages and orders read, deliveries new to the inbox."""

    shop_id: int
    since: datetime
    pages: int
    fetched: int
    stored: int
    total: int | None
    complete: bool
    cursor: str | None = None  # where the next page starts

    @classmethod
    def of(cls, checkpoint: BackfillCheckpoint) -> Progress:
        """Read the progress a checkpoint records."""
        return cls(
            shop_id=checkpoint.shop_id,
            since=checkpoint.since,
            pages=checkpoint.pages,
            fetched=checkpoint.fetched,
            stored=checkpoint.stored,
            total=checkpoint.total,
            complete=checkpoint.completed_at is not None,
            cursor=checkpoint.cursor,
        )


def backfillable_shop(runtime: Runtime, session: Session, shop_id: int) -> Shop:
    """Return the shop, or say why its history cannot be read (unknown, uninstalled...)."""
    shop = get_shop(session, shop_id)
    if shop.status != ACTIVE:
        raise InvalidInput(
            f"shop {shop_id} ({shop.domain}) is {shop.status}: install Amends in it again "
            "before reading its history"
        )
    if shop.platform not in runtime.playing(Backfill):
        raise InvalidInput(f"the {shop.platform} connector cannot read a store's history")
    return shop


def start(runtime: Runtime, shop_id: int, since: datetime) -> Progress:
    """Check the shop and open its checkpoint; a different `since` starts over.

    A backfill stopped with the same `since` resumes where it stopped.
    """
    with runtime.database.transaction() as session:
        backfillable_shop(runtime, session, shop_id)
        checkpoint = _checkpoint(session, shop_id)
        now = clock_of(session).now()
        if checkpoint is None:
            checkpoint = BackfillCheckpoint(shop_id=shop_id, resource=ORDERS, created_at=now)
            session.add(checkpoint)
        if checkpoint.since != since:
            _restart(checkpoint, since, now)
        session.flush()
        return Progress.of(checkpoint)


def _checkpoint(session: Session, shop_id: int) -> BackfillCheckpoint | None:
    query = select(BackfillCheckpoint).where(
        BackfillCheckpoint.shop_id == shop_id, BackfillCheckpoint.resource == ORDERS
    )
    return session.scalars(query.with_for_update()).one_or_none()


def _restart(checkpoint: BackfillCheckpoint, since: datetime, now: datetime) -> None:
    checkpoint.since, checkpoint.cursor = since, None
    checkpoint.pages = checkpoint.fetched = checkpoint.stored = 0
    checkpoint.total = checkpoint.completed_at = None
    checkpoint.updated_at = now


def run(
    runtime: Runtime,
    shop_id: int,
    since: datetime,
    on_page: Callable[[Progress], None] = lambda progress: None,
) -> Progress:
    """Read the shop's history since `since` into the inbox; return how far it got.

    `on_page` hears the progress after each page is kept. Platform errors
    (PlatformError) stop the run with every page before them kept.
    """
    progress = start(runtime, shop_id, since)
    if progress.complete:
        return progress
    with runtime.database.reading() as session:
        shop = get_shop(session, shop_id)
    cursor = progress.cursor
    connector = runtime.connector_for(shop.platform, Backfill)
    context = shop_context(runtime, shop)
    while not progress.complete:
        page = connector.history_page(context, since, cursor)
        progress = _keep(runtime, shop, page)
        cursor = page.cursor
        on_page(progress)
    log.info(
        "backfill.complete",
        extra={"shop": shop_id, "fetched": progress.fetched, "stored": progress.stored},
    )
    return progress


def _keep(runtime: Runtime, shop: Shop, page: HistoryPage) -> Progress:
    """Store a page's deliveries and move the checkpoint past it, in one transaction."""
    with runtime.database.transaction() as session:
        now = clock_of(session).now()
        deliveries = [order_delivery(shop, order, source="backfill") for order in page.orders]
        new = record_deliveries(session, deliveries, now) if deliveries else []
        checkpoint = _checkpoint(session, shop.id)
        if checkpoint is None:  # the shop was removed meanwhile
            raise InvalidInput(f"shop {shop.id} was removed while its history was read")
        checkpoint.cursor = page.cursor
        checkpoint.pages += 1
        checkpoint.fetched += len(page.orders)
        checkpoint.stored += sum(inbox_id is not None for inbox_id in new)
        checkpoint.total = page.total if page.total is not None else checkpoint.total
        checkpoint.completed_at = now if page.cursor is None else None
        checkpoint.updated_at = now
        return Progress.of(checkpoint)
