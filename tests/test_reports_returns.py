"""The return-reason report, checked against the scripted November of tests/report_helpers.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from plugin.reports import Period, period_over_period, return_reasons, return_trend, top_defective
from plugin.scope import ShopScope
from tests.report_helpers import NOVEMBER, script_november


@pytest.fixture
def shops(runtime, make_shop) -> dict[str, int]:
    return script_november(runtime, make_shop)


def report(runtime, scope, by="reason", period=NOVEMBER):
    with runtime.database.reading() as session:
        rows = return_reasons(session, scope, period, by)
    return [
        (r.reason, r.product_id, r.sku, r.returned_units, r.sold_units, r.return_rate) for r in rows
    ]


def test_by_reason_returned_units_against_the_shops_sold_units(runtime, shops):
    assert report(runtime, ShopScope.only(shops["A"])) == [
        ("defective", None, None, 6, 17, 0.3529),
        ("colour", None, None, 1, 17, 0.0588),
        ("size_too_small", None, None, 1, 17, 0.0588),
    ]


def test_by_product_each_products_own_sales_are_the_measure(runtime, shops):
    assert report(runtime, ShopScope.only(shops["A"]), "product") == [
        ("defective", "P1", None, 6, 15, 0.4),
        ("colour", "P1", None, 1, 15, 0.0667),
        ("size_too_small", "P2", None, 1, 2, 0.5),
    ]


def test_by_sku_each_variants_own_sales_are_the_measure(runtime, shops):
    assert report(runtime, ShopScope.only(shops["A"]), "sku") == [
        ("defective", "P1", "MUG-1", 6, 10, 0.6),
        ("colour", "P1", "MUG-2", 1, 5, 0.2),
        ("size_too_small", "P2", "CLOTH-1", 1, 2, 0.5),
    ]


def test_a_refund_of_unknown_lines_counts_no_units_and_is_counted_as_such(runtime, shops):
    with runtime.database.reading() as session:
        rows = return_reasons(session, ShopScope.only(shops["B"]), NOVEMBER)

    assert [(r.platform, r.reason, r.returned_units, r.returns_without_quantity) for r in rows] == [
        ("woocommerce", "size_too_large", 1, 0),
        ("woocommerce", "damaged_in_transit", 0, 1),
    ]
    assert [r.return_rate for r in rows] == [0.3333, 0.0]


def test_the_operator_sees_every_shop_and_a_shops_scope_sees_only_its_own(runtime, shops):
    with runtime.database.reading() as session:
        every = return_reasons(session, ShopScope.every(), NOVEMBER)
        only_c = return_reasons(session, ShopScope.only(shops["C"]), NOVEMBER)

    assert sorted({row.shop for row in every}) == sorted(shops.values())
    assert [(row.shop, row.reason, row.returned_units) for row in only_c] == [
        (shops["C"], "defective", 1)
    ]


def test_top_defective_products_most_returned_first(runtime, shops):
    with runtime.database.reading() as session:
        rows = top_defective(session, ShopScope.every(), NOVEMBER, limit=2)

    assert [(row.shop, row.product_id, row.returned_units) for row in rows] == [
        (shops["A"], "P1", 6),
        (shops["C"], "P9", 1),
    ]


def test_the_weekly_trend_puts_each_return_and_sale_in_its_iso_week(runtime, shops):
    with runtime.database.reading() as session:
        rows = return_trend(session, ShopScope.only(shops["A"]), NOVEMBER, "week")

    # 2 Nov (Mon) week: sold 6, R1; 9 Nov week: sold 6 + 5; 16 Nov week: R2 (20th), R3 (21st)
    assert [(r.period_start, r.reason, r.returned_units, r.sold_units) for r in rows] == [
        ("2026-11-02", "defective", 1, 6),
        ("2026-11-02", "size_too_small", 1, 6),
        ("2026-11-16", "colour", 1, 0),
        ("2026-11-16", "defective", 5, 0),
    ]


def test_the_monthly_trend_counts_december_apart(runtime, shops):
    period = Period(datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    with runtime.database.reading() as session:
        rows = return_trend(session, ShopScope.only(shops["A"]), period, "month")

    assert [(r.period_start, r.reason, r.returned_units, r.sold_units) for r in rows] == [
        ("2026-11-01", "colour", 1, 17),
        ("2026-11-01", "defective", 6, 17),
        ("2026-11-01", "size_too_small", 1, 17),
        ("2026-12-01", "defective", 1, 0),
    ]


def test_period_over_period_sets_each_row_beside_the_month_before(runtime, shops):
    december = Period(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    with runtime.database.reading() as session:
        (row,) = period_over_period(session, ShopScope.only(shops["A"]), december, "sku")

    # the 30 days before 1 December: from 1 November on, MUG-1 sold 10, 6 came back defective
    assert (row.current.sku, row.current.returned_units, row.current.sold_units) == ("MUG-1", 1, 0)
    assert (row.previous_returned_units, row.previous_sold_units, row.previous_return_rate) == (
        6,
        10,
        0.6,
    )
    assert row.rate_change is None  # nothing sold in December: no rate to compare


def test_reports_returns_json_prints_the_contracts_fields(cli, shops):
    result = cli(
        "reports", "returns", "--json", "--shop", str(shops["A"]), "--since", "2026-11-01",
        "--until", "2026-11-30", "--by", "sku",
    )  # fmt: skip

    rows = json.loads(result.stdout)
    assert result.exit_code == 0
    assert rows[0] == {
        "shop": shops["A"],
        "platform": "shopify",
        "reason": "defective",
        "product_id": "P1",
        "sku": "MUG-1",
        "title": "Mug",
        "returned_units": 6,
        "sold_units": 10,
        "return_rate": 0.6,
        "returns_without_quantity": 0,
    }
    assert len(rows) == 3


def test_reports_returns_csv_has_a_header_and_a_line_per_row(cli, shops):
    result = cli(
        "reports", "returns", "--csv", "--shop", str(shops["B"]), "--since", "2026-11-01",
        "--until", "2026-11-30",
    )  # fmt: skip

    assert result.stdout.splitlines() == [
        "shop,platform,reason,product_id,sku,title,returned_units,sold_units,return_rate,"
        "returns_without_quantity",
        f"{shops['B']},woocommerce,size_too_large,,,,1,3,0.3333,0",
        f"{shops['B']},woocommerce,damaged_in_transit,,,,0,3,0.0,1",
    ]


def test_reports_returns_prints_a_table_by_default(cli, shops):
    result = cli("reports", "returns", "--since", "2026-11-01", "--until", "2026-11-30")

    assert result.exit_code == 0
    assert "Returns 2026-11-01 to 2026-11-30" in result.stdout
    assert "┏" in result.stdout  # a table, not JSON


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "1 November"], "'1 November' is not a date (YYYY-MM-DD)"),
        (["--since", "2026-11-30", "--until", "2026-11-01"], "--until 2026-11-01 is before"),
        (["--json", "--csv"], "choose one of --json and --csv"),
        (["--shop", "999"], "no shop with id 999"),
    ],
)
def test_reports_returns_refuses_bad_options_with_a_reason(cli, shops, args, message):
    result = cli("reports", "returns", *args)

    assert result.exit_code != 0
    assert message in result.output
