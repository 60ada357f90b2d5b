"""The scripted November the report tests share, worked out by hand.

A scripted November across two merchants' shops on both platforms. Shop A
(Shopify) sold 17 units in November: 4 + 6 mugs MUG-1 and 5 mugs MUG-2 (product
P1), 2 tablecloths (P2); a cancelled order of 3 tablecloths and an October order
of 10 mugs are not November's sales. Its November returns: 1 + 2 + 3 defective
MUG-1 (the 3 from the October order: a return counts when it is asked for), 1
MUG-2 for its colour, 1 tablecloth too small; one more defective mug on 2
December is December's. Shop B (WooCommerce) sold 3 units; a refund whose lines
it never named (quantity unknown, in no unit count) and a returned jug too large.
Shop C belongs to someone else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from plugin.dispatch import handle_event
from plugin.events import LineItem, OrderChanged, RefundRecorded, ReturnLine, ReturnRequested
from plugin.reports import Period
from plugin.storage.models import CompensationRecord

NOVEMBER = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+00:00")


def line(line_id, product, sku, quantity, title="Mug"):
    return LineItem(line_id, product, None, sku, title, quantity, "12.50")


def order(order_id, day, *lines, status="open"):
    return OrderChanged(
        order_id, at(day), name=f"#{order_id}", status=status, currency="EUR", placed_at=at(day),
        line_items=lines,
    )  # fmt: skip


back = ReturnLine


def returned(order_id, return_id, day, *lines):
    return ReturnRequested(order_id, return_id, tuple(lines), requested_at=at(day))


def script_november(runtime, make_shop, a_domain="a.myshopify.com") -> dict[str, int]:
    """Register shops A, B and C and play their November; return their ids."""
    ids = {
        "A": make_shop("shopify", domain=a_domain),
        "B": make_shop("woocommerce", domain="https://b.example/"),
        "C": make_shop("shopify", domain="c.myshopify.com"),
    }
    a, b, c = ids["A"], ids["B"], ids["C"]
    mug, cloth, small = ("P1", "MUG-1"), ("P2", "CLOTH-1"), "size_too_small"
    events = [
        (a, order("A1", "2026-11-02", line("1", *mug, 4), line("2", *cloth, 2, "Cloth"))),
        (a, order("A2", "2026-11-10", line("3", *mug, 6), line("4", "P1", "MUG-2", 5))),
        (a, order("A3", "2026-10-15", line("5", *mug, 10))),
        (a, order("A4", "2026-11-12", line("6", *cloth, 3, "Cloth"), status="cancelled")),
        (a, returned("A1", "R1", "2026-11-05", back("1", 1, "defective"), back("2", 1, small))),
        (a, returned("A2", "R2", "2026-11-20", back("3", 2, "defective"), back("4", 1, "colour"))),
        (a, returned("A3", "R3", "2026-11-21", back("5", 3, "defective"))),
        (a, returned("A2", "R4", "2026-12-02", back("3", 1, "defective"))),
        (b, order("B1", "2026-11-03", line("1", "10", None, 2, "Taza"), line("2", "11", None, 1))),
        (b, RefundRecorded("B1", "31", "12.5", "damaged_in_transit", refunded_at=at("2026-11-08"))),
        (b, returned("B1", "B1:rma:1", "2026-11-09", back("2", 1, "size_too_large"))),
        (c, order("C1", "2026-11-04", line("1", "P9", "X", 1))),
        (c, returned("C1", "RC", "2026-11-06", back("1", 1, "defective"))),
    ]  # fmt: skip
    with runtime.database.transaction() as session:
        for shop_id, event in events:
            handle_event(session, shop_id, event)
    return ids


def compensation(shop_id, incident_id, number, kind, amount, status, day, month=11):
    """Return a compensation of `amount` EUR, decided on that day of 2026."""
    when = datetime(2026, month, day, 10, tzinfo=UTC)
    return CompensationRecord(
        shop_id=shop_id, incident_id=incident_id, decision=number,
        idempotency_key=f"incident:{incident_id}:c:{number}", kind=kind,
        amount=Decimal(amount), currency="EUR", status=status,
        created_at=when, updated_at=when,
    )  # fmt: skip
