"""The worker: each delivery processed once, failures retried with backoff then parked."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from plugin import dispatch, worker
from plugin.errors import PlatformRateLimited
from plugin.events import OrderChanged
from plugin.inbox.processing import RetryPolicy, process_due, process_next
from plugin.inbox.store import NewDelivery, record_deliveries
from plugin.orders.snapshot import find_order
from plugin.queue import retry_delay
from plugin.storage.db import connect
from plugin.storage.models import Order
from tests.conftest import fixture_bytes, woo_headers
from tests.helpers import inbox_rows

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))


def order_state(updated_at: str, financial_status: str) -> dict:
    return ORDER | {"updated_at": updated_at, "financial_status": financial_status}


def stored_order(runtime):
    with runtime.database.transaction() as session:
        return find_order(session, 1, "5830194882617")


@pytest.fixture
def inbox_writes(runtime):
    """Collect every UPDATE of the inbox the runtime's database runs during the test."""
    writes: list[str] = []

    def count(_connection, _cursor, statement, *_):
        if statement.split()[:2] == ["UPDATE", "inbox"]:
            writes.append(statement)

    event.listen(runtime.database.engine, "before_cursor_execute", count)
    yield writes
    event.remove(runtime.database.engine, "before_cursor_execute", count)


def test_processed_deliveries_are_marked_done_and_not_taken_again(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", ORDER)

    assert worker.run_once(runtime) == 1
    assert worker.run_once(runtime) == 0
    (row,) = inbox_rows(runtime)
    assert (row.status, row.attempts, row.last_error) == ("done", 1, None)
    assert row.processed_at is not None


def test_a_delivery_is_marked_processed_in_one_write_of_its_row(
    shopify_shop, post_shopify, runtime, inbox_writes
):
    # Each write is a round trip per delivery on PostgreSQL: the attempt, the
    # outcome and the time go to the row together, once its events are handled.
    post_shopify("orders/create", ORDER)

    worker.run_once(runtime)

    assert len(inbox_writes) == 1
    (row,) = inbox_rows(runtime)
    assert (row.status, row.attempts, row.last_error) == ("done", 1, None)


def test_a_topic_without_parser_is_stored_and_marked_ignored(woo_shop, client, runtime):
    topic = "action.woocommerce_order_refunded"
    body = b'{"action":"woocommerce_order_refunded","arg":12}'
    client.post(f"/webhooks/woocommerce/{woo_shop}", data=body, headers=woo_headers(body, topic))

    worker.run_once(runtime)

    assert [(row.topic, row.status) for row in inbox_rows(runtime)] == [(topic, "ignored")]


def test_a_payload_that_is_json_but_not_an_object_is_parked_at_once(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", b"[]")

    worker.run_once(runtime)

    (row,) = inbox_rows(runtime)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "MalformedDelivery: orders/create body is JSON but not an object"


def test_an_older_state_delivered_late_never_overwrites_a_newer_one(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/updated", order_state("2026-11-16T12:00:00+01:00", "refunded"))
    post_shopify("orders/paid", order_state("2026-11-16T10:12:45+01:00", "paid"))

    worker.run_once(runtime)

    order = stored_order(runtime)
    assert order.financial_status == "refunded"
    assert order.platform_updated_at.isoformat() == "2026-11-16T11:00:00+00:00"


def test_a_newer_state_replaces_the_stored_one(shopify_shop, post_shopify, runtime):
    post_shopify("orders/paid", order_state("2026-11-16T10:12:45+01:00", "paid"))
    worker.run_once(runtime)
    post_shopify("orders/updated", order_state("2026-11-16T12:00:00+01:00", "refunded"))
    worker.run_once(runtime)

    assert stored_order(runtime).financial_status == "refunded"


def test_a_failing_delivery_is_retried_with_backoff_and_its_effects_rolled_back(
    shopify_shop, post_shopify, runtime, monkeypatch, clock
):
    failures = ["platform hiccup"]

    def fail_once(session, shop_id, event):
        if failures:
            raise RuntimeError(failures.pop())

    # The order snapshot is written first, then a later handler fails: the
    # snapshot must not survive the failed attempt.
    monkeypatch.setitem(dispatch.HANDLERS, OrderChanged, (dispatch.on_order_changed, fail_once))
    post_shopify("orders/create", ORDER)
    policy = RetryPolicy(max_attempts=3, base_seconds=60, max_seconds=600)
    start = clock.now()

    process_next(runtime.database, runtime.parse, policy, now=start)

    (row,) = inbox_rows(runtime)
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "RuntimeError: platform hiccup",
    )
    assert row.next_attempt_at == start + timedelta(seconds=60)
    assert stored_order(runtime) is None
    early = start + timedelta(seconds=59)
    assert process_next(runtime.database, runtime.parse, policy, now=early) is None

    process_next(runtime.database, runtime.parse, policy, now=start + timedelta(seconds=60))

    (row,) = inbox_rows(runtime)
    assert (row.status, row.attempts, row.last_error) == ("done", 2, None)
    assert stored_order(runtime).name == "#1042"


def test_a_failing_delivery_in_a_batch_is_recorded_alone_and_tried_once(
    shopify_shop, post_shopify, runtime, monkeypatch, clock
):
    # Given three orders in one batch, the second of which fails in a handler
    ids = [str(5830194882617 + n) for n in range(3)]
    calls = Counter()

    def fail_second(session, shop_id, event):
        calls[event.order_id] += 1
        if event.order_id == ids[1]:
            raise RuntimeError("platform hiccup")

    monkeypatch.setitem(dispatch.HANDLERS, OrderChanged, (dispatch.on_order_changed, fail_second))
    for n, order_id in enumerate(ids):
        post_shopify("orders/create", ORDER | {"id": int(order_id), "name": f"#{1042 + n}"})
    policy = RetryPolicy(max_attempts=3, base_seconds=60, max_seconds=600)

    # When the worker processes them together
    assert process_due(runtime.database, runtime.parse, policy, limit=3, batch=3) == 3

    # Then the failing one is recorded, its handlers tried once; the others are done
    rows = inbox_rows(runtime)
    assert [(row.status, row.attempts, row.last_error) for row in rows] == [
        ("done", 1, None),
        ("pending", 1, "RuntimeError: platform hiccup"),
        ("done", 1, None),
    ]
    assert calls[ids[1]] == 1
    with runtime.database.transaction() as session:
        stored = [find_order(session, 1, order_id) for order_id in ids]
        assert [order.name if order else None for order in stored] == ["#1042", None, "#1044"]


def test_a_batch_writes_its_deliveries_statuses_in_one_statement(
    shopify_shop, post_shopify, runtime, inbox_writes
):
    for n in range(3):
        post_shopify("orders/create", ORDER | {"id": 5830194882617 + n})

    process_due(runtime.database, runtime.parse, RetryPolicy(), batch=3)

    assert len(inbox_writes) == 1
    assert [row.status for row in inbox_rows(runtime)] == ["done"] * 3


def test_a_failure_that_names_its_delay_is_tried_again_no_sooner(
    shopify_shop, post_shopify, runtime, monkeypatch, clock
):
    def rate_limited(session, shop_id, event):
        raise PlatformRateLimited("slow down", retry_after=600)

    monkeypatch.setitem(dispatch.HANDLERS, OrderChanged, (rate_limited,))
    post_shopify("orders/create", ORDER)
    policy = RetryPolicy(max_attempts=3, base_seconds=60, max_seconds=3600)

    process_next(runtime.database, runtime.parse, policy, now=clock.now())

    (row,) = inbox_rows(runtime)
    assert (row.status, row.next_attempt_at) == ("pending", clock.now() + timedelta(seconds=600))


def test_the_backoff_wins_over_a_shorter_delay_the_error_names():
    policy = RetryPolicy(max_attempts=8, base_seconds=30, max_seconds=300)
    hurried = PlatformRateLimited("slow down", retry_after=5)

    assert retry_delay(hurried, policy, attempts=3) == timedelta(seconds=120)
    assert retry_delay(RuntimeError("no delay named"), policy, attempts=1) == timedelta(seconds=30)


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(max_attempts=8, base_seconds=30, max_seconds=300)

    assert [policy.delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 300]


def broken_parser(delivery):
    raise ValueError(f"cannot read delivery {delivery.id}")


def test_after_the_last_attempt_a_delivery_is_parked_as_failed_with_its_error(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    policy = RetryPolicy(max_attempts=3, base_seconds=0)

    assert process_due(runtime.database, broken_parser, policy) == 3

    (row,) = inbox_rows(runtime)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "ValueError: cannot read delivery 1"
    listed = json.loads(cli("inbox", "list", "--failed", "--json").stdout)
    assert [(d["id"], d["status"], d["last_error"]) for d in listed] == [
        (1, "failed", "ValueError: cannot read delivery 1")
    ]


def test_inbox_retry_requeues_a_failed_delivery_which_then_succeeds(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    process_due(runtime.database, broken_parser, RetryPolicy(max_attempts=1))

    result = cli("inbox", "retry", "1")

    assert (result.exit_code, result.output) == (0, "delivery 1 requeued\n")
    assert worker.run_once(runtime) == 1
    assert [(r.status, r.attempts) for r in inbox_rows(runtime)] == [("done", 1)]
    assert json.loads(cli("inbox", "list", "--failed", "--json").stdout) == []


def test_inbox_retry_of_an_unknown_or_pending_delivery_says_why(shopify_shop, post_shopify, cli):
    post_shopify("orders/create", ORDER)

    unknown = cli("inbox", "retry", "99")
    pending = cli("inbox", "retry", "1")

    assert (unknown.exit_code, unknown.output) == (1, "Error: no inbox delivery with id 99\n")
    assert pending.exit_code == 1
    assert pending.output == "Error: delivery 1 is already pending; the worker will take it\n"


def test_inbox_retry_refuses_a_delivery_that_succeeded_unless_forced(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    assert worker.run_once(runtime) == 1

    refused = cli("inbox", "retry", "1")

    assert (refused.exit_code, refused.output) == (
        1,
        "Error: delivery 1 was processed already (done); "
        "only a failed one is retried (--force to process it again)\n",
    )
    assert [(r.status, r.attempts) for r in inbox_rows(runtime)] == [("done", 1)]

    forced = cli("inbox", "retry", "1", "--force")

    assert (forced.exit_code, forced.output) == (0, "delivery 1 requeued\n")
    assert [(r.status, r.attempts) for r in inbox_rows(runtime)] == [("pending", 0)]


@pytest.mark.slow
def test_two_workers_process_each_of_1000_deliveries_exactly_once(
    database_url, shopify_shop, runtime
):

    deliveries = [
        NewDelivery(
            platform="shopify",
            shop_id=shopify_shop,
            topic="orders/create",
            delivery_key=f"k{n}",
            headers={},
            body=json.dumps(
                order_state("2026-11-16T10:12:45+01:00", "paid") | {"id": 1000 + n, "name": f"#{n}"}
            ).encode(),
            triggered_at=None,
        )
        for n in range(1000)
    ]
    with runtime.database.transaction() as session:
        record_deliveries(session, deliveries, runtime.clock.now())
    seen = Counter()
    by_worker = Counter()
    lock = threading.Lock()

    def counting(name):
        def parse(delivery):
            with lock:
                seen[delivery.id] += 1
                by_worker[name] += 1
            return runtime.parse(delivery)

        return parse

    databases = [connect(database_url) for _ in range(2)]
    threads = [
        threading.Thread(target=process_due, args=(db, counting(f"w{i}"), RetryPolicy()))
        for i, db in enumerate(databases)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for db in databases:
        db.dispose()

    assert sorted(seen.values()) == [1] * 1000
    if database_url.startswith("postgresql"):
        # Side by side: each claims what the other has locked past (SKIP LOCKED). On
        # SQLite they take turns at one write lock, which need not be fair: one may
        # take every turn, and the deliveries are still each processed once.
        assert all(by_worker[name] > 0 for name in ("w0", "w1")), by_worker
    rows = inbox_rows(runtime)
    assert {(r.status, r.attempts) for r in rows} == {("done", 1)}
    with runtime.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1000


def test_a_stopped_worker_stops_soon_though_a_backlog_remains(shopify_shop, runtime):
    deliveries = [
        NewDelivery("shopify", shopify_shop, "orders/create", f"k{n}", {}, b"{}", None)
        for n in range(3 * worker.STOP_CHECK_EVERY)
    ]
    with runtime.database.transaction() as session:
        record_deliveries(session, deliveries, runtime.clock.now())
    stop = threading.Event()
    processed = Counter()

    def parse_then_ask_to_stop(delivery):
        processed[delivery.id] += 1
        stop.set()  # SIGTERM arrives while the first delivery is processed
        return []

    runtime.parse = parse_then_ask_to_stop
    thread = threading.Thread(target=worker.run_forever, args=(runtime, stop))
    thread.start()
    thread.join(timeout=60)

    assert not thread.is_alive()
    assert sum(processed.values()) == worker.STOP_CHECK_EVERY
    pending = [row for row in inbox_rows(runtime) if row.status == "pending"]
    assert len(pending) == 2 * worker.STOP_CHECK_EVERY  # left for the next start
