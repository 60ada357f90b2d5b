"""What an incident earns is decided with it, kept, approved or denied, chosen, and executed once.

The shop follows its compensation policy (the default, or one it imported); the
store is stood in for by a recorder of the actions Amends asks for, so each test
says exactly what reached the store. End to end against the sandbox stores:
test_compensation_shopify.py and test_compensation_woocommerce.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from plugin import scheduler, worker
from plugin.compensation.approvals import approve, deny, list_compensations
from plugin.compensation.choices import choose, offered_options
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.dispatch import handle_event
from plugin.errors import (
    InvalidInput,
    NotFound,
    PlatformRateLimited,
    PlatformRejected,
)
from plugin.events import CustomerRedactionRequested, OrderChanged, RefundRecorded
from plugin.incidents.staff import open_by_hand
from plugin.platforms import ActionResult, CouponSpec, NoteSpec, ShippingRefundSpec
from plugin.scope import ShopScope
from plugin.storage.models import CompensationRecord, OutboxEntry, Shop

EVERY = ShopScope.every()
ORDER = "5001"
EMAIL = "lucia.fernandez@example.es"
PAID = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@dataclass
class Store:
    """Stands for a store's actions: records each call, answers as told."""

    calls: list[tuple[str, object]] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)
    warnings: tuple[str, ...] = ()

    def _answer(self, name: str, spec: object) -> ActionResult:
        self.calls.append((name, spec))
        if self.errors:
            raise self.errors.pop(0)
        return ActionResult(f"{name}-{len(self.calls)}", created=True, warnings=self.warnings)

    def issue_coupon(self, shop, spec: CouponSpec) -> ActionResult:
        return self._answer("issue_coupon", spec)

    def refund_shipping(self, shop, spec: ShippingRefundSpec) -> ActionResult:
        return self._answer("refund_shipping", spec)

    def add_note(self, shop, spec: NoteSpec) -> ActionResult:
        return self._answer("add_note", spec)


@pytest.fixture
def store(runtime, monkeypatch) -> Store:
    """Put the recorder where the worker finds a shop's store."""
    recorder = Store()
    monkeypatch.setattr(worker, "actor_for", lambda runtime, shop_id: (recorder, None))
    return recorder


@pytest.fixture
def shop(make_shop) -> int:
    return make_shop("woocommerce", domain="http://127.0.0.1:9/")


def with_policy(runtime, shop_id: int, document: dict) -> None:
    with runtime.database.transaction() as session:
        save_policy(session, shop_id, read_policy(document))


def order(
    runtime, shop_id: int, order_id: str = ORDER, total: str = "53.80", email: str = EMAIL
) -> None:
    """Have Amends see a paid order, as a webhook would bring it."""
    event = OrderChanged(
        order_id=order_id,
        updated_at=PAID,
        name=f"#{order_id}",
        financial_status="paid",
        customer_email=email,
        customer_locale="es",
        currency="EUR",
        total_price=total,
        paid_at=PAID,
        shipping_total="4.90",
    )
    with runtime.database.transaction() as session:
        handle_event(session, shop_id, event)


def open_incident(runtime, shop_id: int, kind: str, order_id: str = ORDER) -> int:
    with runtime.database.transaction() as session:
        return open_by_hand(session, shop_id, order_id, kind).id


def rows(runtime, incident_id: int | None = None) -> list[CompensationRecord]:
    with runtime.database.reading() as session:
        query = select(CompensationRecord).order_by(CompensationRecord.id)
        if incident_id is not None:
            query = query.where(CompensationRecord.incident_id == incident_id)
        return list(session.scalars(query))


def actions_queued(runtime) -> list[tuple[str, str]]:
    with runtime.database.reading() as session:
        found = session.scalars(
            select(OutboxEntry).where(OutboxEntry.kind == "compensation").order_by(OutboxEntry.id)
        )
        return [(entry.idempotency_key, entry.status) for entry in found]


def shown(cli, incident_id: int) -> dict:
    result = cli("incidents", "show", str(incident_id), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


APPROVE_ABOVE_2 = {
    "approval": {"above": "2"},
    "rules": [
        {
            "name": "faulty items",
            "when": {"kinds": ["defective_item"]},
            "grant": {"kind": "percent_coupon", "percent": "10"},
        }
    ],
}
OFFER = {
    "rules": [
        {
            "name": "faulty items",
            "when": {"kinds": ["defective_item"]},
            "offer": {
                "options": [
                    {"kind": "percent_coupon", "percent": "10"},
                    {"kind": "free_shipping", "value": "4.90"},
                ],
                "default": 2,
                "choose_within_days": 5,
            },
        }
    ]
}


# --- decided when the incident opens ------------------------------------------------


def test_a_defective_item_earns_the_default_coupon_with_its_execution_in_one_go(runtime, shop, cli):
    order(runtime, shop)

    incident_id = open_incident(runtime, shop, "defective_item")

    (row,) = rows(runtime)
    assert (row.kind, row.amount, row.currency, row.percent, row.status) == (
        "percent_coupon",
        Decimal("5.38"),
        "EUR",
        Decimal("10"),
        "queued",
    )
    assert row.code.startswith("SORRY-")
    assert len(row.code) == 16
    assert actions_queued(runtime) == [(f"incident:{incident_id}:compensation:1", "queued")]
    incident = shown(cli, incident_id)
    (decided,) = [e for e in incident["timeline"] if e["type"] == "compensation_decided"]
    assert decided["detail"]["action"] == "grant"
    assert "rule 'faulty items' matched (defective item)" in decided["detail"]["explanation"]
    assert (
        "within the per-incident cap of 20 % of 53.80 EUR = 10.76 EUR"
        in (decided["detail"]["explanation"])
    )
    (shown_row,) = incident["compensations"]
    assert {k: shown_row[k] for k in ("kind", "amount", "currency", "status")} == {
        "kind": "percent_coupon",
        "amount": "5.38",
        "currency": "EUR",
        "status": "queued",
    }
    assert shown_row["idempotency_key"] == f"incident:{incident_id}:compensation:1"
    assert shown_row["platform_ref"] is None


def test_an_incident_decided_again_keeps_its_first_decision(runtime, shop):
    from plugin.compensation.decisions import decide_for
    from plugin.storage.models import Incident

    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "defective_item")

    with runtime.database.transaction() as session:
        assert decide_for(session, session.get(Incident, incident_id)) is None

    assert len(rows(runtime)) == 1
    assert len(actions_queued(runtime)) == 1


def test_an_incident_opened_before_its_order_is_decided_once_the_order_arrives(runtime, shop, cli):
    incident_id = open_incident(runtime, shop, "wrong_item")
    assert rows(runtime) == []
    waiting = [
        e for e in shown(cli, incident_id)["timeline"] if e["type"] == "compensation_decided"
    ]
    assert waiting[0]["detail"]["explanation"].startswith("the order is not known to Amends yet")

    order(runtime, shop)
    order(runtime, shop)  # the same state again changes nothing

    assert [(row.kind, row.status) for row in rows(runtime)] == [("percent_coupon", "queued")]


def test_a_late_parcel_earns_its_shipping_back_once_it_is_three_days_late(
    runtime, shop, clock, store
):
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "delayed_shipment")
    assert rows(runtime) == []  # late by less than a day: nothing yet

    clock.advance(timedelta(days=3))
    scheduler.run_job(runtime, scheduler.job("incidents.customer-updates"), clock.now())
    worker.run_once(runtime)

    (row,) = rows(runtime, incident_id)
    assert (row.kind, row.amount, row.status, row.rule) == (
        "shipping_refund",
        Decimal("4.90"),
        "issued",
        "late parcels",
    )
    ((name, spec),) = store.calls
    assert (name, spec.order_id, spec.amount, spec.through_gateway) == (
        "refund_shipping",
        ORDER,
        Decimal("4.90"),
        True,
    )
    assert spec.idempotency_key == f"incident:{incident_id}:compensation:1"


# --- approval ---------------------------------------------------------------------------


def test_above_the_threshold_a_compensation_waits_and_executes_only_after_approval(
    runtime, shop, cli, store
):
    with_policy(runtime, shop, APPROVE_ABOVE_2)
    order(runtime, shop)
    open_incident(runtime, shop, "defective_item")
    worker.run_once(runtime)
    assert store.calls == []

    listed = json.loads(cli("compensations", "list", "--pending", "--json").stdout)
    assert [(c["kind"], c["status"], c["amount"]) for c in listed] == [
        ("percent_coupon", "pending_approval", "5.38")
    ]
    result = cli("compensations", "approve", str(listed[0]["id"]), "--by", "marta")
    assert result.exit_code == 0, result.output
    worker.run_once(runtime)

    (row,) = rows(runtime)
    assert (row.status, row.approved_by, row.approved_at) == (
        "issued",
        "staff:marta",
        row.approved_at,
    )
    assert row.approved_at is not None
    assert [name for name, _ in store.calls] == ["issue_coupon"]
    assert json.loads(cli("compensations", "list", "--pending", "--json").stdout) == []


def test_a_denied_compensation_is_recorded_and_never_executed(runtime, shop, cli, store):
    with_policy(runtime, shop, APPROVE_ABOVE_2)
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "defective_item")
    (row,) = rows(runtime)

    result = cli("compensations", "deny", str(row.id), "--reason", "already replaced")
    worker.run_once(runtime)

    assert result.exit_code == 0, result.output
    (row,) = rows(runtime)
    assert (row.status, row.denied_by) == ("denied", "staff")
    assert store.calls == []
    assert actions_queued(runtime) == []
    (denied,) = [
        e for e in shown(cli, incident_id)["timeline"] if e["type"] == "compensation_denied"
    ]
    assert (denied["actor"], denied["detail"]["reason"]) == ("staff", "already replaced")
    again = cli("compensations", "approve", str(row.id))
    assert again.exit_code == 1
    assert f"compensation {row.id} is denied, not waiting for approval" in again.output


def test_an_approval_decides_again_within_the_caps_as_they_stand_now(runtime, shop, make_shop):
    """Two incidents wait; approving the first spends the budget the second counted on."""
    budget = APPROVE_ABOVE_2 | {"caps": {"monthly_budget": "8"}}
    with_policy(runtime, shop, budget)
    order(runtime, shop, "1", email="a@example.es")
    order(runtime, shop, "2", email="b@example.es")
    open_incident(runtime, shop, "defective_item", "1")
    open_incident(runtime, shop, "defective_item", "2")
    first, second = rows(runtime)
    # Both wait; the first's 5.38 is reserved, so the second was cut to fit 8: 2.62 -> 4 %.
    assert (first.amount, second.amount) == (Decimal("5.38"), Decimal("2.15"))

    with runtime.database.transaction() as session:
        approve(session, EVERY, first.id)
        outcome = approve(session, EVERY, second.id)

    first, second = rows(runtime)
    assert (first.status, second.status) == ("queued", "queued")
    assert first.amount + second.amount <= Decimal("8")
    assert outcome.action == "grant"


def test_the_monthly_budget_counts_what_was_approved_this_month_though_decided_before(
    runtime, shop, clock
):
    """The budget counts a compensation when it was approved, not when it was decided."""
    with_policy(runtime, shop, APPROVE_ABOVE_2 | {"caps": {"monthly_budget": "8"}})
    for n in "123":
        order(runtime, shop, n, email=f"{n}@example.es")
    open_incident(runtime, shop, "defective_item", "1")
    open_incident(runtime, shop, "defective_item", "2")
    before = clock.now() - timedelta(days=40)
    with runtime.database.transaction() as session:
        first, second = session.scalars(select(CompensationRecord).order_by(CompensationRecord.id))
        assert (first.amount, second.amount) == (Decimal("5.38"), Decimal("2.15"))
        first.status, first.created_at, first.approved_at = "queued", before, clock.now()
        second.status, second.created_at, second.approved_at = "queued", before, before

    open_incident(runtime, shop, "defective_item", "3")

    # 8 less the 5.38 approved this month leaves 2.62: 4 % of 53.80
    assert rows(runtime)[-1].amount == Decimal("2.15")


def test_no_one_approves_or_lists_what_belongs_to_another_shop(runtime, shop, make_shop):
    other = make_shop("woocommerce", domain="http://127.0.0.1:9/other/")
    with_policy(runtime, shop, APPROVE_ABOVE_2)
    order(runtime, shop)
    open_incident(runtime, shop, "defective_item")
    (row,) = rows(runtime)

    with runtime.database.transaction() as session:
        assert list_compensations(session, ShopScope.only(other)) == []
        with pytest.raises(NotFound, match=f"no compensation with id {row.id}"):
            approve(session, ShopScope.only(other), row.id)
        with pytest.raises(NotFound):
            deny(session, ShopScope.only(other), row.id)
    assert rows(runtime)[0].status == "pending_approval"


def test_approving_an_unknown_compensation_says_so(cli):
    result = cli("compensations", "approve", "999")

    assert result.exit_code == 1
    assert "no compensation with id 999" in result.output


# --- the customer's choice ------------------------------------------------------------------


def test_choosing_an_option_queues_that_one_alone_and_a_second_choice_is_refused(
    runtime, shop, store
):
    with_policy(runtime, shop, OFFER)
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "defective_item")
    with runtime.database.reading() as session:
        options = offered_options(session, EVERY, incident_id)
    assert [(o["option"], o["kind"], o["default"]) for o in options] == [
        (1, "percent_coupon", False),
        (2, "free_shipping", True),
    ]

    with runtime.database.transaction() as session:
        chosen = choose(session, ShopScope.only(shop), incident_id, 1)
    with (
        runtime.database.transaction() as session,
        pytest.raises(InvalidInput, match="made already"),
    ):
        choose(session, EVERY, incident_id, 2)
    worker.run_once(runtime)

    assert chosen.compensation["kind"] == "percent_coupon"
    assert [(r.kind, r.status, r.chosen_by) for r in rows(runtime)] == [
        ("percent_coupon", "issued", "customer"),
        ("free_shipping", "not_chosen", None),
    ]
    assert [name for name, _ in store.calls] == ["issue_coupon"]


def test_an_option_that_is_not_offered_or_of_another_shop_is_refused(runtime, shop, make_shop):
    other = make_shop("woocommerce", domain="http://127.0.0.1:9/other/")
    with_policy(runtime, shop, OFFER)
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "defective_item")

    with runtime.database.transaction() as session:
        with pytest.raises(InvalidInput, match="option 3 is not offered; choose one of 1, 2"):
            choose(session, EVERY, incident_id, 3)
        with pytest.raises(NotFound, match=f"no incident with id {incident_id}"):
            choose(session, ShopScope.only(other), incident_id, 1)

    assert {row.status for row in rows(runtime)} == {"offered"}


def test_without_a_choice_in_time_the_default_applies(runtime, shop, clock, store):
    with_policy(runtime, shop, OFFER)
    order(runtime, shop)
    open_incident(runtime, shop, "defective_item")
    job = scheduler.job("compensations.offer-defaults")

    clock.advance(timedelta(days=5) - timedelta(minutes=1))
    assert scheduler.run_job(runtime, job, clock.now()).count == 0
    clock.advance(timedelta(minutes=1))
    assert scheduler.run_job(runtime, job, clock.now()).count == 1
    worker.run_once(runtime)

    assert [(r.kind, r.status, r.chosen_by) for r in rows(runtime)] == [
        ("percent_coupon", "not_chosen", None),
        ("free_shipping", "issued", "system"),
    ]
    assert [(name, spec.kind) for name, spec in store.calls] == [("issue_coupon", "free_shipping")]


# --- what staff gave in the store ---------------------------------------------------------


def staff_refund(runtime, shop_id: int, refund_id: str, shipping: str) -> None:
    event = RefundRecorded(
        order_id=ORDER,
        refund_id=refund_id,
        amount=shipping,
        reason="other",
        shipping_amount=shipping,
        by_staff=True,
    )
    with runtime.database.transaction() as session:
        handle_event(session, shop_id, event)


def test_a_shipping_refund_staff_made_counts_and_is_never_repeated(runtime, shop, clock, store):
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "delayed_shipment")

    staff_refund(runtime, shop, "r-1", "4.90")
    staff_refund(runtime, shop, "r-1", "4.90")  # the same webhook again
    clock.advance(timedelta(days=3))
    scheduler.run_job(runtime, scheduler.job("incidents.customer-updates"), clock.now())
    worker.run_once(runtime)

    assert [(r.kind, r.amount, r.status, r.decided_by) for r in rows(runtime, incident_id)] == [
        ("shipping_refund", Decimal("4.90"), "given_by_staff", "staff")
    ]
    assert store.calls == []


def test_a_shipping_refund_staff_made_withdraws_the_one_waiting_for_approval(runtime, shop, cli):
    policy = {
        "rules": [
            {
                "name": "late",
                "when": {"kinds": ["delayed_shipment"]},
                "grant": {"kind": "shipping_refund"},
                "needs_approval": True,
            }
        ]
    }
    with_policy(runtime, shop, policy)
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "delayed_shipment")

    staff_refund(runtime, shop, "r-1", "4.90")

    assert [r.status for r in rows(runtime, incident_id)] == ["withdrawn", "given_by_staff"]
    assert json.loads(cli("compensations", "list", "--pending", "--json").stdout) == []


# --- execution ------------------------------------------------------------------------------


def test_an_issued_coupon_is_told_to_the_customer_in_their_language(runtime, shop, store, cli):
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "defective_item")
    store.warnings = ("no shipping method accepts it",)

    worker.run_once(runtime)

    (row,) = rows(runtime)
    assert (row.status, row.platform_ref, row.warnings) == (
        "issued",
        "issue_coupon-1",
        ["no shipping method accepts it"],
    )
    ((_, spec),) = store.calls
    assert (spec.code, spec.kind, spec.amount, spec.customer_email) == (
        row.code,
        "percent",
        Decimal("10"),
        EMAIL,
    )
    assert (spec.starts_at, spec.expires_on) == (
        datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        row.expires_on,
    )
    with runtime.database.reading() as session:
        (message,) = session.scalars(
            select(OutboxEntry).where(OutboxEntry.idempotency_key.endswith(":message"))
        ).all()
    assert message.payload["stage"] == "compensation"
    assert message.payload["locale"] == "es"
    assert message.payload["compensation"]["code"] == row.code
    types = [e["type"] for e in shown(cli, incident_id)["timeline"]]
    assert types.count("compensation_issued") == 1


def test_a_platform_that_asks_to_slow_down_is_tried_again_after_the_time_it_asked(
    runtime, shop, store, clock
):
    order(runtime, shop)
    open_incident(runtime, shop, "defective_item")
    store.errors = [PlatformRateLimited("slow down", retry_after=7200)]

    worker.run_once(runtime)
    (row,) = rows(runtime)
    assert row.status == "queued"
    clock.advance(timedelta(seconds=7199))
    worker.run_once(runtime)
    assert len(store.calls) == 1
    clock.advance(timedelta(seconds=1))
    worker.run_once(runtime)

    assert len(store.calls) == 2
    assert rows(runtime)[0].status == "issued"


def test_a_refusal_fails_the_compensation_once_and_says_why_on_the_incident(
    runtime, shop, store, clock, cli
):
    order(runtime, shop)
    incident_id = open_incident(runtime, shop, "defective_item")
    store.errors = [PlatformRejected("coupon code taken by another customer")]

    worker.run_once(runtime)
    clock.advance(timedelta(days=1))
    worker.run_once(runtime)

    (row,) = rows(runtime)
    assert row.status == "failed"
    assert "coupon code taken by another customer" in row.error
    assert len(store.calls) == 1
    (failed,) = [
        e for e in shown(cli, incident_id)["timeline"] if e["type"] == "compensation_failed"
    ]
    assert "coupon code taken by another customer" in failed["detail"]["error"]


def test_an_uninstalled_shop_gets_no_decision(runtime, shop):
    order(runtime, shop)
    with runtime.database.transaction() as session:
        session.get(Shop, shop).status = "uninstalled"

    open_incident(runtime, shop, "defective_item")

    assert rows(runtime) == []


def test_retrying_a_failed_compensation_queues_it_again_and_it_is_issued_once_it_goes_out(
    runtime, shop, store, cli
):
    order(runtime, shop)
    open_incident(runtime, shop, "defective_item")
    store.errors = [PlatformRejected("the store refused the code for now")]
    worker.run_once(runtime)
    ((key, _),) = actions_queued(runtime)
    with runtime.database.reading() as session:
        entry_id = session.scalar(select(OutboxEntry.id).where(OutboxEntry.idempotency_key == key))
    assert rows(runtime)[0].status == "failed"

    assert cli("outbox", "retry", str(entry_id)).exit_code == 0
    assert (rows(runtime)[0].status, rows(runtime)[0].error) == ("queued", None)
    worker.run_once(runtime)

    assert rows(runtime)[0].status == "issued"
    assert len(store.calls) == 2


def test_a_compensation_erased_with_its_customer_before_it_went_out_is_withdrawn(
    runtime, shop, store
):
    order(runtime, shop)
    open_incident(runtime, shop, "defective_item")
    assert rows(runtime)[0].status == "queued"

    with runtime.database.transaction() as session:
        handle_event(session, shop, CustomerRedactionRequested(customer_id=None, email=EMAIL))
    worker.run_once(runtime)

    (row,) = rows(runtime)
    assert (row.status, store.calls) == ("withdrawn", [])
    assert "erased" in row.error
    assert actions_queued(runtime)[0][1] == "failed"
