"""The upkeep and reconcile jobs serve every connector that plays their role, by role alone.

A connector of a made-up platform stands in for a store: the jobs must reach it, keep
its watermark honest, record its webhook health, and say which stores they failed for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import scheduler, sync
from plugin.errors import PlatformUnauthorized, PlatformUnavailable
from plugin.platforms import ChangedOrder, SubscriptionReport
from plugin.roles import check_roles
from plugin.shops import list_shops
from plugin.storage.models import InboxDelivery, Shop
from tests.conftest import TEST_NOW
from tests.test_connector_roles import Intake

TOPICS = ("order.created", "order.updated")


class TestStore(Intake):
    """A store that keeps webhooks and lists changed orders, as it is told to."""

    __test__ = False
    roles = frozenset({"intake", "subscriptions", "reconcile"})
    order_keys_match_webhooks = True

    def __init__(self) -> None:
        self.report = SubscriptionReport(active=TOPICS)
        self.orders: list[ChangedOrder] = []
        self.error: Exception | None = None
        self.calls: list[tuple[str, object]] = []

    def delivery_url_problem(self, url):
        return None

    def webhook_path(self, shop_id):
        return f"/webhooks/teststore/{shop_id}"

    def ensure_subscriptions(self, shop, delivery_url, *, reset_secret=False):
        self.calls.append(("ensure", delivery_url))
        if self.error:
            raise self.error
        return self.report

    def changed_orders(self, shop, since):
        self.calls.append(("changed", since))
        if self.error:
            raise self.error
        return list(self.orders)


def changed(order_id: str, updated_at: datetime) -> ChangedOrder:
    stamp = updated_at.isoformat()
    body = json.dumps({"id": order_id, "modified": stamp}).encode()
    return ChangedOrder(order_id, updated_at, "order.updated", f"order:{order_id}:{stamp}", body)


@pytest.fixture
def store(runtime) -> TestStore:
    fake = TestStore()
    check_roles(fake)
    runtime.connectors["teststore"] = fake
    return fake


@pytest.fixture
def shop_id(store, make_shop) -> int:
    return make_shop("teststore", domain="https://test.example/")


def watermark(runtime, shop_id: int) -> datetime | None:
    with runtime.database.transaction() as session:
        return session.get(Shop, shop_id).synced_at


def health(runtime) -> dict[int, str]:
    with runtime.database.transaction() as session:
        return {view.id: view.webhook_summary for view in list_shops(session)}


def test_the_jobs_reach_every_connector_that_plays_their_role(runtime, store, shop_id):
    store.orders = [changed("7", TEST_NOW - timedelta(minutes=5))]

    report = scheduler.run_due(runtime, TEST_NOW)

    assert report.counts == {
        "inbox.prune": 0,
        "incidents.overdue-shipments": 0,
        "incidents.late-parcels": 0,
        "incidents.customer-updates": 0,
        "incidents.sla-alerts": 0,
        "compensations.offer-defaults": 0,
        "webhooks.upkeep": 0,
        "orders.reconcile": 1,
        "quality.defect-spikes": 0,
    }
    assert store.calls[0] == ("ensure", f"http://127.0.0.1:8000/webhooks/teststore/{shop_id}")
    with runtime.database.transaction() as session:
        (row,) = session.scalars(select(InboxDelivery))
        assert (row.platform, row.topic, row.delivery_key, row.body) == (
            "teststore",
            "order.updated",
            store.orders[0].delivery_key,
            store.orders[0].body,
        )


def test_a_run_as_of_a_later_time_leaves_the_watermark_at_the_newest_change(
    runtime, store, shop_id
):
    newest = TEST_NOW - timedelta(minutes=2)
    store.orders = [changed("7", TEST_NOW - timedelta(minutes=9)), changed("8", newest)]

    sync.reconcile_orders(runtime, TEST_NOW + timedelta(days=30))

    assert watermark(runtime, shop_id) == newest


def test_nothing_new_keeps_the_watermark_where_it_was(runtime, store, shop_id):
    store.orders = [changed("7", TEST_NOW - timedelta(minutes=2))]
    sync.reconcile_orders(runtime, TEST_NOW)
    store.orders = []

    sync.reconcile_orders(runtime, TEST_NOW + timedelta(days=30))
    sync.reconcile_orders(runtime, TEST_NOW + timedelta(days=31))

    assert watermark(runtime, shop_id) == TEST_NOW - timedelta(minutes=2)
    overlap = timedelta(seconds=runtime.settings.reconcile_overlap_seconds)
    assert store.calls[-1] == ("changed", TEST_NOW - timedelta(minutes=2) - overlap)


def test_a_change_older_than_the_watermark_never_moves_it_back(runtime, store, shop_id):
    store.orders = [changed("7", TEST_NOW)]
    sync.reconcile_orders(runtime, TEST_NOW)
    store.orders = [changed("6", TEST_NOW - timedelta(minutes=3))]  # inside the overlap

    sync.reconcile_orders(runtime, TEST_NOW)

    assert watermark(runtime, shop_id) == TEST_NOW


def test_a_shop_without_a_check_says_so_and_one_checked_says_ok(runtime, store, shop_id):
    assert health(runtime) == {shop_id: "not checked"}

    sync.keep_webhooks_alive(runtime, TEST_NOW)

    assert health(runtime) == {shop_id: "ok"}


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (
            SubscriptionReport(
                active=("order.created",), missing=("order.updated",), errors=("refused",)
            ),
            "missing 1",
        ),
        (
            SubscriptionReport(disabled=TOPICS, errors=("refused", "refused")),
            "disabled 2",
        ),
    ],
)
def test_webhooks_the_store_would_not_restore_are_counted(
    runtime, store, shop_id, report, expected
):
    store.report = SubscriptionReport(active=TOPICS)
    sync.keep_webhooks_alive(runtime, TEST_NOW)
    store.report = report

    result = sync.keep_webhooks_alive(runtime, TEST_NOW + timedelta(minutes=15))

    assert health(runtime) == {shop_id: expected}
    assert [failure.shop_id for failure in result.failures] == [shop_id]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PlatformUnavailable("cannot connect: refused"), "unreachable"),
        (PlatformUnauthorized("HTTP 401: access token refused"), "credentials refused"),
    ],
)
def test_a_store_once_registered_then_lost_says_why(runtime, store, shop_id, error, expected):
    sync.keep_webhooks_alive(runtime, TEST_NOW)
    store.error = error

    result = scheduler.run_due(runtime, TEST_NOW + timedelta(minutes=15))

    assert health(runtime) == {shop_id: expected}
    assert {name: [f.error for f in failed] for name, failed in result.failures.items()} == {
        "inbox.prune": [],
        "incidents.overdue-shipments": [],
        "incidents.late-parcels": [],
        "incidents.customer-updates": [],
        "incidents.sla-alerts": [],
        "compensations.offer-defaults": [],
        "webhooks.upkeep": [str(error)],
        "orders.reconcile": [str(error)],
        "quality.defect-spikes": [],
    }


def test_a_store_never_reached_is_never_registered(runtime, store, shop_id):
    store.error = PlatformUnavailable("cannot connect: refused")

    sync.keep_webhooks_alive(runtime, TEST_NOW)

    assert health(runtime) == {shop_id: "never registered"}
    with runtime.database.transaction() as session:
        (view,) = list_shops(session)
    assert view.as_json()["webhooks"] == {
        "health": "never registered",
        "state": "unreachable",
        "missing": 0,
        "disabled": 0,
        "repaired": 0,
        "error": "cannot connect: refused",
        "checked_at": datetime(2026, 11, 23, 9, 0, tzinfo=UTC).isoformat(),
        "registered_at": None,
    }
