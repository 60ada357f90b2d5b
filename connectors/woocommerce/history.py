"""A store's past orders, page by page, for a backfill (REST `GET /orders`, X-WP-TotalPages).

An order's JSON carries its refunds (`refunds[]`) and a returns plugin's request
(its status and meta), so one listing brings all three; each order is kept under
Amends' own topic and read as `order.updated` is. Pages are numbered, oldest order
first (by id, so orders placed while the pages are read come last and move no
earlier page); the last is the one X-WP-TotalPages names (woocommerce.md §2.2).
An order trashed between two pages moves the later ones up by one: the first of
them is then read by the reconcile job only if it changes.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from connectors.headers import parse_timestamp
from connectors.woocommerce.client import MAX_PER_PAGE, WooClient
from connectors.woocommerce.consts import BACKFILLED_ORDER_TOPIC
from plugin.platforms import ChangedOrder, HistoryPage

KeyOf = Any  # Callable[[bytes], str | None]: the connector's order state key


def history_page(
    client: WooClient, since: datetime, cursor: str | None, key_of: KeyOf
) -> HistoryPage:
    """Return the page `cursor` names (the first when None) of orders created since `since`."""
    page = int(cursor or 1)
    # `after` is exclusive: a second earlier keeps an order placed at `since` itself.
    params = {
        "after": (since - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        "dates_are_gmt": "true",
        "orderby": "id",
        "order": "asc",
        "per_page": MAX_PER_PAGE,
        "page": page,
    }
    answer = client.get("orders", params)
    orders = [kept for order in answer.json if (kept := _kept(order, key_of)) is not None]
    last = page >= answer.total_pages or not answer.json
    return HistoryPage(
        orders=tuple(orders),
        cursor=None if last else str(page + 1),
        total=int(answer.headers.get("X-WP-Total") or 0),
    )


def _kept(order: dict[str, Any], key_of: KeyOf) -> ChangedOrder | None:
    """Return an order as the inbox keeps it, keyed by its state apart from webhooks' keys."""
    body = json.dumps(order, separators=(",", ":")).encode()
    key = key_of(body)
    if key is None:
        return None
    return ChangedOrder(
        order_id=str(order["id"]),
        updated_at=parse_timestamp(order.get("date_modified_gmt")),
        topic=BACKFILLED_ORDER_TOPIC,
        delivery_key=f"backfill:{key}",
        body=body,
    )
