"""A trashed WooCommerce order: `order.deleted` says `{"id": N}` and nothing else, not even
when. It is ordered by arrival: the order turns `trash` keeping the stored version, a state
older than that never brings it back, and a state at least as new (a restore) does."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from plugin import worker
from plugin.orders.snapshot import find_order
from plugin.storage.models import Order
from tests.conftest import observed_woo_delivery, woo_headers
from tests.helpers import inbox_rows

_, OBSERVED = observed_woo_delivery("005")  # order.created: order 12, processing, 12:41:49 GMT
ORDER = json.loads(OBSERVED)
TRASHED_12 = b'{"id":12}'


def deliver(client, shop_id: int, topic: str, body: bytes) -> None:
    response = client.post(
        f"/webhooks/woocommerce/{shop_id}", data=body, headers=woo_headers(body, topic)
    )
    assert response.status_code == 200, response.text


def state(**changes) -> bytes:
    return json.dumps(ORDER | changes, separators=(",", ":")).encode()


def stored(runtime, order_id: str = "12") -> Order | None:
    with runtime.database.transaction() as session:
        order = find_order(session, 1, order_id)
        if order is not None:
            session.expunge(order)
        return order


def test_a_trashed_order_turns_trash_and_keeps_what_was_known_of_it(woo_shop, client, runtime):
    deliver(client, woo_shop, "order.created", OBSERVED)
    deliver(client, woo_shop, "order.deleted", TRASHED_12)

    worker.run_once(runtime)

    order = stored(runtime)
    assert (order.status, order.name, order.customer_email, order.total_price) == (
        "trash",
        "#12",
        "jose@tienda.example",
        ORDER["total"],
    )
    assert order.platform_updated_at.replace(tzinfo=UTC) == datetime(
        2026, 11, 23, 12, 41, 49, tzinfo=UTC
    )
    assert [(row.topic, row.status) for row in inbox_rows(runtime)] == [
        ("order.created", "done"),
        ("order.deleted", "done"),
    ]


def test_an_older_state_arriving_after_the_trash_does_not_bring_the_order_back(
    woo_shop, client, runtime
):
    deliver(client, woo_shop, "order.updated", state(date_modified_gmt="2026-11-23T12:50:00"))
    deliver(client, woo_shop, "order.deleted", TRASHED_12)
    deliver(client, woo_shop, "order.created", OBSERVED)  # 12:41:49, delivered late

    worker.run_once(runtime)

    assert stored(runtime).status == "trash"


def test_a_restore_showing_a_state_already_delivered_still_brings_the_order_back(
    woo_shop, client, runtime
):
    # WooCommerce merged a pending order.updated with the restore's, and built it after the
    # restore: it came before the deletion, the order.restored with the same body after.
    restored = state(date_modified_gmt="2026-11-23T12:50:00")
    deliver(client, woo_shop, "order.updated", restored)
    deliver(client, woo_shop, "order.deleted", TRASHED_12)
    deliver(client, woo_shop, "order.restored", restored)

    worker.run_once(runtime)

    assert stored(runtime).status == "processing"
    assert [row.topic for row in inbox_rows(runtime)] == [
        "order.updated",
        "order.deleted",
        "order.restored",
    ]


def test_a_restored_state_delivered_twice_is_stored_once(woo_shop, client, runtime):
    restored = state(date_modified_gmt="2026-11-23T12:50:00")

    deliver(client, woo_shop, "order.restored", restored)
    deliver(client, woo_shop, "order.restored", restored)

    assert [row.topic for row in inbox_rows(runtime)] == ["order.restored"]


def test_trashing_an_order_never_seen_stores_nothing(woo_shop, client, runtime):
    deliver(client, woo_shop, "order.deleted", TRASHED_12)

    worker.run_once(runtime)

    with runtime.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0
    assert [(row.topic, row.status) for row in inbox_rows(runtime)] == [("order.deleted", "done")]
