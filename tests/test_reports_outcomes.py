"""Outcome figures from the incident timeline, checked against figures worked out by hand.

November, as of 1 December. Ana's incident (2 Nov) was acknowledged in 10 minutes,
answered by staff in 2 hours, compensated and resolved in 2 days; she ordered again
on 20 November. Bob's (3 Nov): acknowledged in 30 minutes, answered in a day, an
update after 3 days, resolved in 7; he has not ordered again, and his 90 days are
not over. Cy's (4 Nov) was acknowledged in 20 minutes and then left silent. A quality
incident is about a product, and in none of the figures. Five orders were placed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.dispatch import handle_event
from plugin.events import OrderChanged
from plugin.reports import Period, outcomes
from plugin.scope import ShopScope
from plugin.storage.models import Incident, TimelineEntry
from tests.report_helpers import compensation

NOVEMBER = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
NOW = datetime(2026, 12, 1, tzinfo=UTC)
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 10, tzinfo=UTC)


@pytest.fixture
def shop(runtime, shopify_shop) -> int:
    cases = [
        ("ana@example.com", at(2), "defective_item", [
            ("message_sent", 10 * MINUTE, "system", {"stage": "acknowledgement"}),
            ("note_added", 2 * HOUR, "staff", {}),
            ("compensation_issued", DAY, "system", {}),
            ("status_changed", 2 * DAY, "staff", {"from": "in_progress", "to": "resolved"}),
        ]),
        ("bob@example.com", at(3), "delayed_shipment", [
            ("message_sent", 30 * MINUTE, "system", {"stage": "acknowledgement"}),
            ("status_changed", DAY, "staff:eva", {"from": "acknowledged", "to": "in_progress"}),
            ("message_sent", 3 * DAY, "system", {"stage": "update"}),
            ("status_changed", 7 * DAY, "system", {"from": "in_progress", "to": "resolved"}),
        ]),
        ("cy@example.com", at(4), "wrong_item", [
            ("message_sent", 20 * MINUTE, "system", {"stage": "acknowledgement"}),
        ]),
        (None, at(5), "quality", [("note_added", MINUTE, "staff", {})]),
    ]  # fmt: skip
    orders = [("1", "ana@example.com", 1), ("2", "BOB@example.com", 2)]
    orders += [("3", "cy@example.com", 3), ("4", "Ana@Example.com", 20), ("5", "zed@x.com", 5)]
    with runtime.database.transaction() as session:
        for order_id, email, day in orders:
            event = OrderChanged(order_id, at(day), customer_email=email, placed_at=at(day))
            handle_event(session, shopify_shop, event)
        for number, (email, opened, kind, entries) in enumerate(cases):
            incident = Incident(
                shop_id=shopify_shop, platform_order_id=str(number + 1), kind=kind,
                customer_email=email, created_at=opened, updated_at=opened,
            )  # fmt: skip
            session.add(incident)
            session.flush()
            for kind_of_entry, after, actor, detail in entries:
                session.add(
                    TimelineEntry(
                        incident_id=incident.id, at=opened + after, type=kind_of_entry,
                        actor=actor, detail=detail,
                    )
                )  # fmt: skip
    return shopify_shop


def test_outcome_figures_match_the_hand_computed_ones(runtime, shop):
    with runtime.database.reading() as session:
        figures = outcomes(session, ShopScope.only(shop), NOVEMBER, NOW).as_json()

    assert figures == {
        "incidents": 3,
        "orders": 5,
        "incidents_per_100_orders": 60.0,
        "time_to_acknowledgement": {"count": 3, "median_seconds": 1200.0, "p90_seconds": 1800.0},
        "time_to_first_response": {"count": 2, "median_seconds": 46800.0, "p90_seconds": 86400.0},
        "time_to_resolution": {"count": 2, "median_seconds": 388800.0, "p90_seconds": 604800.0},
        "cadence_kept": {"of": 3, "count": 2, "waiting": 0, "rate": 0.6667},
        "recovery": {"of": 1, "count": 1, "waiting": 1, "rate": 1.0},
        "recovery_with_compensation": {"of": 1, "count": 1, "waiting": 0, "rate": 1.0},
        "recovery_without_compensation": {"of": 0, "count": 0, "waiting": 1, "rate": None},
        "compensation_spend": {
            "by_kind": [],
            "months": [
                {
                    "shop": shop,
                    "month": "2026-11-01",
                    "currency": None,
                    "spent": "0",
                    "budget": "500",
                    "budget_used": 0.0,
                }
            ],
        },
    }


def test_another_shops_scope_sees_none_of_it(runtime, shop, make_shop):
    other = make_shop("shopify", domain="other.myshopify.com")
    with runtime.database.reading() as session:
        figures = outcomes(session, ShopScope.only(other), NOVEMBER, NOW)

    assert (figures.incidents, figures.orders, figures.recovery.whole) == (0, 0, 0)


def test_a_customer_whose_90_days_passed_without_an_order_did_not_come_back(runtime, shop):
    later = NOW + timedelta(days=120)
    with runtime.database.reading() as session:
        figures = outcomes(session, ShopScope.only(shop), NOVEMBER, later)

    assert figures.recovery.as_json() == {"of": 2, "count": 1, "waiting": 0, "rate": 0.5}


def test_reports_outcomes_json(cli, shop, clock):
    clock.advance(NOW - clock.now())  # as of 1 December
    result = cli("reports", "outcomes", "--json", "--since", "2026-11-01")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["incidents_per_100_orders"] == 60.0


def test_compensation_spend_by_kind_and_against_the_monthly_budget(runtime, shop):
    # November: coupons of 5 and 7.50 issued, free shipping 4.90 given by staff; a coupon
    # of 20 still waits for approval, one of 9 was denied; October's 3 is October's.
    # Budget 50 EUR a month: November spent 17.40 of it (0.348).
    with runtime.database.transaction() as session:
        budget = {"currency": "EUR", "caps": {"monthly_budget": "50"}}
        save_policy(session, shop, read_policy(budget))
        incident = session.scalars(select(Incident.id).where(Incident.shop_id == shop)).first()
        session.add_all([
            compensation(shop, incident, 1, "fixed_coupon", "5", "issued", 2),
            compensation(shop, incident, 2, "fixed_coupon", "7.50", "queued", 12),
            compensation(shop, incident, 3, "free_shipping", "4.90", "given_by_staff", 20),
            compensation(shop, incident, 4, "fixed_coupon", "20", "pending_approval", 21),
            compensation(shop, incident, 5, "fixed_coupon", "9", "denied", 22),
            compensation(shop, incident, 6, "fixed_coupon", "3", "issued", 30, month=10),
        ])  # fmt: skip

    with runtime.database.reading() as session:
        spend = outcomes(session, ShopScope.only(shop), NOVEMBER, NOW).compensation_spend.as_json()

    assert spend == {
        "by_kind": [
            {"shop": shop, "kind": "fixed_coupon", "currency": "EUR", "compensations": 2,
             "amount": "12.50"},
            {"shop": shop, "kind": "free_shipping", "currency": "EUR", "compensations": 1,
             "amount": "4.90"},
        ],
        "months": [
            {"shop": shop, "month": "2026-11-01", "currency": "EUR", "spent": "17.40",
             "budget": "50", "budget_used": 0.348},
        ],
    }  # fmt: skip
