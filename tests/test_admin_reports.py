"""The reports in the panel's JSON API and pages, for the calling shop only.

The numbers are those of the scripted November (tests/report_helpers.py), worked out
by hand: shop A (Shopify) sold 17 units and had 6 defective, 1 colour and 1 too-small
units returned; shop C, someone else's, had one defective P9 returned.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.incidents.staff import open_by_hand
from plugin.reports import outcomes
from plugin.scope import ShopScope
from tests.panel_helpers import bearer, session_token
from tests.report_helpers import NOVEMBER, compensation, script_november

A, C = "a.myshopify.com", "c.myshopify.com"
IN_NOVEMBER = "since=2026-11-01&until=2026-11-30"
DAYS = "2026-11-01-to-2026-11-30"
REPORT_ROUTES = [
    "returns",
    "returns/trend",
    "returns/compared",
    "returns/top-defective",
    "outcomes",
    "outcomes/times",
    "outcomes/shares",
    "outcomes/spend",
    "outcomes/budget",
]


@pytest.fixture
def shops(runtime, make_shop) -> dict[str, int]:
    return script_november(runtime, make_shop)


def get(client, path, shop=A, query=IN_NOVEMBER):
    return client.get(f"/admin/api/reports/{path}?{query}", headers=bearer(shop=shop))


def test_returns_by_reason_are_units_returned_against_the_shops_units_sold(client, shops):
    answer = get(client, "returns")

    assert answer.status_code == 200
    fields = ("shop", "platform", "reason", "returned_units", "sold_units", "return_rate")
    assert [tuple(row[name] for name in fields) for row in answer.json] == [
        (shops["A"], "shopify", "defective", 6, 17, 0.3529),
        (shops["A"], "shopify", "colour", 1, 17, 0.0588),
        (shops["A"], "shopify", "size_too_small", 1, 17, 0.0588),
    ]  # fmt: skip


def test_returns_by_sku_measure_each_variant_against_its_own_sales(client, shops):
    answer = get(client, "returns", query=f"{IN_NOVEMBER}&by=sku")

    assert [(r["sku"], r["title"], r["returned_units"], r["sold_units"]) for r in answer.json] == [
        ("MUG-1", "Mug", 6, 10),
        ("MUG-2", "Mug", 1, 5),
        ("CLOTH-1", "Cloth", 1, 2),
    ]


def test_the_monthly_trend_and_the_month_before(client, shops):
    trend = get(client, "returns/trend", query="since=2026-10-01&until=2026-12-31&every=month")
    compared = get(client, "returns/compared", query="since=2026-12-01&until=2026-12-30&by=sku")

    assert [(r["period_start"], r["reason"], r["returned_units"]) for r in trend.json] == [
        ("2026-11-01", "colour", 1),
        ("2026-11-01", "defective", 6),
        ("2026-11-01", "size_too_small", 1),
        ("2026-12-01", "defective", 1),
    ]
    (row,) = compared.json
    assert (row["sku"], row["returned_units"], row["previous_returned_units"]) == ("MUG-1", 1, 6)
    assert (row["previous_sold_units"], row["previous_return_rate"]) == (10, 0.6)


def test_top_defective_products_are_the_callers_own(client, shops):
    mine = get(client, "returns/top-defective")
    theirs = get(client, "returns/top-defective", shop=C)

    assert [(r["product_id"], r["returned_units"], r["sold_units"]) for r in mine.json] == [
        ("P1", 6, 15)
    ]
    assert [(r["shop"], r["product_id"]) for r in theirs.json] == [(shops["C"], "P9")]


@pytest.mark.parametrize("path", REPORT_ROUTES)
def test_another_shops_token_sees_none_of_it(client, shops, path):
    mine = get(client, path).get_data(as_text=True)
    theirs = get(client, path, shop=C)

    assert theirs.status_code == 200
    body = theirs.get_data(as_text=True)
    assert f'"shop":{shops["A"]}' not in body.replace(" ", "")
    for secret in ("MUG-1", "CLOTH-1", '"P1"'):
        assert secret not in body
    if path == "returns":
        assert "MUG-1" not in mine
        assert '"defective"' in mine


def test_the_outcomes_object_is_the_reports_own(client, runtime, shops, clock):
    answer = get(client, "outcomes")

    with runtime.database.reading() as session:
        expected = outcomes(session, ShopScope.only(shops["A"]), NOVEMBER, clock.now())
    assert answer.json == expected.as_json()


def test_compensation_spend_by_kind_and_against_the_budget(client, runtime, shops):
    # Shop A's November: coupons of 5 and 7.50 issued, a gift of 10 given by staff, a
    # coupon of 20 waiting for approval; a budget of 100 EUR a month: 22.50 used (0.225).
    # Shop C gave a coupon of 40, which is C's.
    with runtime.database.transaction() as session:
        save_policy(
            session, shops["A"], read_policy({"currency": "EUR", "caps": {"monthly_budget": "100"}})
        )
        a_incident = open_by_hand(session, shops["A"], "A1", "manual").id
        c_incident = open_by_hand(session, shops["C"], "C1", "manual").id
        session.add_all([
            compensation(shops["A"], a_incident, 1, "fixed_coupon", "5", "issued", 3),
            compensation(shops["A"], a_incident, 2, "fixed_coupon", "7.50", "issued", 9),
            compensation(shops["A"], a_incident, 3, "gift", "10", "given_by_staff", 12),
            compensation(shops["A"], a_incident, 4, "fixed_coupon", "20", "pending_approval", 14),
            compensation(shops["C"], c_incident, 1, "fixed_coupon", "40", "issued", 5),
        ])  # fmt: skip

    spend = get(client, "outcomes/spend").json
    budget = get(client, "outcomes/budget").json

    assert [(r["kind"], r["compensations"], r["amount"], r["currency"]) for r in spend] == [
        ("fixed_coupon", 2, "12.50", "EUR"),
        ("gift", 1, "10", "EUR"),
    ]
    assert budget == [
        {"shop": shops["A"], "month": "2026-11-01", "currency": "EUR", "spent": "22.50",
         "budget": "100", "budget_used": 0.225},
    ]  # fmt: skip


def test_every_table_downloads_as_a_named_csv_file(client, shops):
    answer = get(client, "returns", query=f"{IN_NOVEMBER}&by=sku&format=csv")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="amends-returns-by-sku-2026-11-01-to-2026-11-30.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [(r["sku"], r["returned_units"], r["sold_units"], r["return_rate"]) for r in rows] == [
        ("MUG-1", "6", "10", "0.6"),
        ("MUG-2", "1", "5", "0.2"),
        ("CLOTH-1", "1", "2", "0.5"),
    ]
    for path in REPORT_ROUTES[:4] + REPORT_ROUTES[5:]:
        download = get(client, path, query=f"{IN_NOVEMBER}&format=csv")
        assert download.headers["Content-Type"] == "text/csv; charset=utf-8", path
        name = path.replace("/", "-")
        assert re.fullmatch(
            rf'attachment; filename="amends-{name}(-by-reason|-week)?-{DAYS}\.csv"',
            download.headers["Content-Disposition"],
        ), path


def test_the_charts_are_svg_documents_in_the_callers_language(client, shops):
    trend = get(client, "returns/trend.svg", query=f"{IN_NOVEMBER}&every=month&locale=es")
    top = get(client, "returns/top-defective.svg")

    assert trend.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = trend.get_data(as_text=True)
    assert svg.startswith('<svg class="chart" xmlns="http://www.w3.org/2000/svg"')
    assert ">Unidades devueltas por motivo, cada mes</title>" in svg
    assert "<title>nov 2026 · Defectuoso: 6</title>" in svg
    assert "<title>Mug: 6</title>" in top.get_data(as_text=True)
    theirs = get(client, "returns/top-defective.svg", shop=C).get_data(as_text=True)
    assert "<title>Mug: 1</title>" in theirs  # C's own mug, P9
    assert "Mug: 6" not in theirs


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "since: must be a date, YYYY-MM-DD, got 'yesterday'"),
        ("since=2026-11-30&until=2026-11-01",
         "until: 2026-11-01 is before since (2026-11-30); swap them"),
        ("by=colour", "by: must be one of reason, product, sku, got 'colour'"),
        ("every=day", "every: must be one of week, month, got 'day'"),
        ("format=xml", "format: must be one of json, csv, got 'xml'"),
        ("since=2020-01-01&until=2026-11-01", "since: a report covers at most 1098 days"),
        ("since=9999-12-30&until=9999-12-31",
         "since: must be a day from 1970-01-01 to 2999-12-31, got 9999-12-30"),
        ("until=0001-01-01", "until: must be a day from 1970-01-01 to 2999-12-31, got 0001-01-01"),
    ],
)  # fmt: skip
def test_a_filter_that_cannot_be_used_is_a_400_that_says_why(client, shops, query, message):
    answer = get(client, "returns/trend", query=query)

    assert answer.status_code == 400
    assert answer.json == {"error": message}


def test_without_a_session_token_the_reports_are_refused(client, shops):
    answer = client.get("/admin/api/reports/returns")

    assert answer.status_code == 401


def page_pass(client, shop=A):
    page = client.get(f"/admin?shop={shop}&id_token={session_token(shop=shop)}")
    return re.search(r'name="pass" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_returns_page_draws_its_charts_beside_their_figures(client, shops):
    signed_in = page_pass(client)

    page = client.get(f"/admin/reports/returns?{IN_NOVEMBER}&every=month&pass={signed_in}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('<svg class="chart"') == 2
    assert '<title id="chart-' in html
    assert "Returned units per reason, each month" in html
    assert "Products most returned as defective" in html
    assert "<script>" not in html
    assert "style=" not in html.split("<svg", 1)[1]
    assert re.search(
        r'<td data-label="Reason">Defective</td>.*?>6</td>.*?>17</td>.*?35.3%', html, re.S
    )
    assert ">Returns</a>" in html
    assert ">Outcomes</a>" in html


def test_the_pages_csv_link_downloads_the_table_it_is_under(client, shops):
    signed_in = page_pass(client)
    page = client.get(f"/admin/reports/returns?{IN_NOVEMBER}&by=product&pass={signed_in}")
    link = re.search(r'href="(/admin/reports/returns\.csv\?[^"]+)"', page.get_data(as_text=True))

    download = client.get(link.group(1).replace("&amp;", "&"))

    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "by-product-2026-11-01-to-2026-11-30.csv" in download.headers["Content-Disposition"]
    assert (
        download.get_data(as_text=True)
        .splitlines()[1]
        .startswith(f"{shops['A']},shopify,defective,P1,")
    )


def test_the_outcomes_page_speaks_the_admins_language(client, shops):
    signed_in = page_pass(client)

    page = client.get(f"/admin/reports/outcomes?{IN_NOVEMBER}&locale=de&pass={signed_in}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="de"' in html
    assert "Gegen das Monatsbudget" in html


def test_a_bad_day_on_the_page_gets_a_message_beside_its_field(client, shops):
    signed_in = page_pass(client)

    page = client.get(f"/admin/reports/returns?since=soon&pass={signed_in}")

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'id="since" name="since" type="date"' in html
    assert 'aria-invalid="true"' in html
    assert '<p class="field-error" id="since-error">Give a day as YYYY-MM-DD' in html
