"""Every order line and every returned line is kept in its own table, from both platforms.

Reports count sold and returned units with SQL, so what the webhooks bring must land
there whatever its order of arrival, however often it is delivered, and a quantity
the platform never gave stays unknown instead of becoming 0.
"""

from __future__ import annotations

import json

from sqlalchemy import event, select

from plugin import worker
from plugin.dispatch import handle_event
from plugin.events import Backfilled, ReturnLine, ReturnRequested
from plugin.orders.snapshot import find_order
from plugin.storage.models import Incident, OrderLine, OutboxEntry, ReturnedLine
from tests.conftest import fixture_bytes, woo_headers

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))  # 1 mug, defective
SIZE_RETURN = json.loads(fixture_bytes("shopify/returns_request_thin_size.json"))  # tablecloth
ORDER_ID = str(ORDER["id"])
WOO_ORDER = json.loads(fixture_bytes("woocommerce/005-order.created.body.bin"))


def order_lines(runtime) -> list[tuple]:
    with runtime.database.transaction() as session:
        rows = session.scalars(select(OrderLine).order_by(OrderLine.line_item_id))
        return [
            (r.platform, r.line_item_id, r.sku, r.quantity, r.price, r.currency, r.counted)
            for r in rows
        ]


def returned(runtime) -> list[tuple]:
    with runtime.database.transaction() as session:
        rows = session.scalars(select(ReturnedLine).order_by(ReturnedLine.id))
        return [(r.source_type, r.source_id, r.line_key, r.sku, r.reason, r.quantity) for r in rows]


def post_woo(client, shop_id: int, order: dict, topic: str = "order.updated"):
    body = json.dumps(order).encode()
    return client.post(
        f"/webhooks/woocommerce/{shop_id}", data=body, headers=woo_headers(body, topic)
    )


def test_an_orders_lines_are_kept_with_price_currency_and_as_sold(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)

    assert order_lines(runtime) == [
        ("shopify", "14620193734713", "TAZA-OLIVAR-350", 2, "12.50", "EUR", True),
        ("shopify", "14620193767481", "MANTEL-LINO-AZ", 1, "23.90", "EUR", True),
    ]


def test_a_cancelled_order_keeps_its_lines_but_no_longer_counts_them_as_sold(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", ORDER)
    cancelled = ORDER | {
        "cancelled_at": "2026-11-17T10:00:00+01:00",
        "updated_at": "2026-11-17T10:00:00+01:00",
    }
    post_shopify("orders/cancelled", cancelled)
    worker.run_once(runtime)

    assert [line[-1] for line in order_lines(runtime)] == [False, False]


def test_a_later_state_with_the_same_lines_writes_none_of_them(shopify_shop, post_shopify, runtime):
    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)
    writes = []

    def count_line_writes(_connection, _cursor, statement, *_):
        if "order_lines" in statement.split("WHERE")[0] and not statement.startswith("SELECT"):
            writes.append(statement)

    paid = ORDER | {"financial_status": "paid", "updated_at": "2026-11-16T11:00:00+01:00"}
    post_shopify("orders/paid", paid)
    event.listen(runtime.database.engine, "before_cursor_execute", count_line_writes)
    try:
        worker.run_once(runtime)
    finally:
        event.remove(runtime.database.engine, "before_cursor_execute", count_line_writes)

    assert writes == []
    with runtime.database.transaction() as session:
        assert find_order(session, shopify_shop, ORDER_ID).financial_status == "paid"
    assert order_lines(runtime) == [
        ("shopify", "14620193734713", "TAZA-OLIVAR-350", 2, "12.50", "EUR", True),
        ("shopify", "14620193767481", "MANTEL-LINO-AZ", 1, "23.90", "EUR", True),
    ]


def test_a_later_state_with_other_lines_writes_them(shopify_shop, post_shopify, runtime):
    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)
    (mug, _cloth) = ORDER["line_items"]
    edited = ORDER | {
        "line_items": [mug | {"quantity": 3}],
        "updated_at": "2026-11-18T10:00:00+01:00",
    }
    post_shopify("orders/updated", edited)
    worker.run_once(runtime)

    assert order_lines(runtime) == [
        ("shopify", "14620193734713", "TAZA-OLIVAR-350", 3, "12.50", "EUR", True),
    ]


def test_an_older_order_state_arriving_late_does_not_bring_back_a_removed_line(
    shopify_shop, post_shopify, runtime
):
    edited = ORDER | {
        "line_items": ORDER["line_items"][:1],
        "updated_at": "2026-11-18T10:00:00+01:00",
    }
    post_shopify("orders/updated", edited)
    worker.run_once(runtime)
    post_shopify("orders/create", ORDER)  # the first state, delivered after the edit
    worker.run_once(runtime)

    assert [line[1] for line in order_lines(runtime)] == ["14620193734713"]


def test_a_return_that_arrives_before_its_order_is_completed_when_the_order_arrives(
    shopify_shop, post_shopify, runtime
):
    post_shopify("returns/request", SIZE_RETURN)  # a thin payload: line ids only
    worker.run_once(runtime)
    before = returned(runtime)
    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)

    assert before == [("return", "9120235601", "14620193767481", None, "size_too_small", 1)]
    assert returned(runtime) == [
        ("return", "9120235601", "14620193767481", "MANTEL-LINO-AZ", "size_too_small", 1)
    ]


def test_a_return_that_opens_no_incident_is_kept_all_the_same(shopify_shop, post_shopify, runtime):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", SIZE_RETURN)
    worker.run_once(runtime)

    with runtime.database.transaction() as session:
        assert session.scalars(select(Incident)).all() == []
    assert [row[4] for row in returned(runtime)] == ["size_too_small"]


def test_a_return_delivered_again_is_kept_once(shopify_shop, post_shopify, runtime):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    post_shopify("returns/request", RETURN)  # another delivery of the same return
    worker.run_once(runtime)

    assert returned(runtime) == [
        ("return", "9120235577", "14620193734713", "TAZA-OLIVAR-350", "defective", 1)
    ]


def test_a_woocommerce_refund_without_its_lines_is_kept_with_its_quantity_unknown(
    woo_shop, client, runtime
):
    refunded = WOO_ORDER | {
        "date_modified_gmt": "2026-11-24T10:00:00",
        "refunds": [{"id": 31, "reason": "Talla pequeña, la devuelvo", "total": "-12.50"}],
    }
    post_woo(client, woo_shop, refunded)
    worker.run_once(runtime)

    assert returned(runtime) == [("refund", "31", "*", None, "size_too_small", None)]


def test_the_lines_of_a_refund_known_later_replace_its_unknown_quantity(woo_shop, runtime):
    whole = ReturnLine(None, None, "defective", "Rota")
    line = ReturnLine("1", 2, "defective", "Rota", product_id="10")
    with runtime.database.transaction() as session:
        handle_event(session, woo_shop, ReturnRequested("12", "r1", (whole,)))
        handle_event(session, woo_shop, ReturnRequested("12", "r1", (line,)))
        handle_event(session, woo_shop, ReturnRequested("12", "r1", (whole,)))  # says less

    assert returned(runtime) == [("return", "r1", "1", None, "defective", 2)]


def test_a_backfilled_return_is_kept_and_opens_nothing_nor_writes_to_anyone(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)
    old = ReturnRequested("5830194882617", "77", (ReturnLine("14620193734713", 1, "defective"),))
    with runtime.database.transaction() as session:
        handle_event(session, shopify_shop, Backfilled(old))

    with runtime.database.transaction() as session:
        assert session.scalars(select(Incident)).all() == []
        assert session.scalars(select(OutboxEntry)).all() == []
    assert returned(runtime) == [
        ("return", "77", "14620193734713", "TAZA-OLIVAR-350", "defective", 1)
    ]
