"""Shop B's caller sees nothing of shop A, on every route of the panel.

The test walks the app's own URL map, so a route added later is walked too (or must
be named below as one that reads no shop's rows).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from plugin.dispatch import handle_event
from plugin.events import LineItem, OrderChanged, ReturnLine, ReturnRequested
from plugin.messaging.store import save_override
from plugin.scope import ShopScope
from tests.conftest import SHOPIFY_DOMAIN
from tests.panel_helpers import OTHER_DOMAIN, bearer, session_token, waiting_compensation

# Routes that read or change no shop's incidents: store connection, sign-in, assets.
NOT_SHOP_SCOPED = {
    "admin_api.openapi_document",
    "admin_assets.static",
    "admin_assets.bounce",
    "admin_login.login_form",
    "admin_login.login_submit",
    "admin_login.logout",
    "admin_login.shops",
    "admin_login.choose_shop",
    "connect.start_woocommerce",
    "connect.woocommerce_callback",
    "connect.woocommerce_return",
    "connect.start_shopify",
    "connect.shopify_callback",
}
A_ORDER = "7771"
# Shop A's own wording of one message; B reads and edits the same message of its own.
A_TEMPLATE = {"kind": "delayed_shipment", "stage": "update", "language": "es"}
A_WORDING = {
    "subject": "Solo para A: {{ order_name }}",
    "text": "Texto de la tienda A, {{ order_name }}, {{ next_update }}",
}


@pytest.fixture
def shops(runtime, make_shop):
    """Shop A's incident, with a compensation waiting for A's approval, and a defective
    return of A's SKU-7771 (in its reports); shop B has none of it."""
    shop_a = make_shop("shopify", domain=SHOPIFY_DOMAIN)
    make_shop("shopify", domain=OTHER_DOMAIN)
    found = waiting_compensation(runtime, shop_a, order_id=A_ORDER, email="only-a@example.com")
    sold = datetime(2026, 11, 18, 10, tzinfo=UTC)
    mug = LineItem("1", "P-7771", None, f"SKU-{A_ORDER}", "Only-A mug", 3, "12.50")
    with runtime.database.transaction() as session:
        key = tuple(A_TEMPLATE.values())
        save_override(session, ShopScope.only(shop_a), key, A_WORDING)
        handle_event(session, shop_a, OrderChanged("6661", sold, line_items=(mug,), placed_at=sold))
        back = ReturnLine("1", 2, "defective")
        handle_event(session, shop_a, ReturnRequested("6661", "R-1", (back,), requested_at=sold))
    return found


def admin_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and rule.endpoint not in NOT_SHOP_SCOPED:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def b_page_pass(client):
    page = client.get(f"/admin?shop={OTHER_DOMAIN}&id_token={session_token(shop=OTHER_DOMAIN)}")
    return re.search(r'name="pass" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_every_admin_route_is_walked_or_named(app):
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")
    }

    walked = {rule.endpoint for rule, _ in admin_routes(app)}

    assert walked | NOT_SHOP_SCOPED == endpoints
    assert {
        "admin_api.incidents",
        "admin_api.compensations",
        "admin_api.approve",
        "admin_api.deny",
        "admin_pages.incident",
        "admin_pages.add_note",
        "admin_pages.approval_queue",
        "admin_pages.approve",
        "admin_pages.deny",
        "admin_api.template",
        "admin_api.save_template",
        "admin_api.reset_template",
        "admin_api.preview_template",
        "admin_pages.templates",
        "admin_pages.template",
        "admin_pages.save_template",
        "admin_pages.reset_template",
        "admin_api.replace_settings",
        "admin_api.replace_policy",
        "admin_api.preview_policy",
        "admin_api.customer_export",
        "admin_pages.save_settings_form",
        "admin_pages.preview_policy_form",
        "admin_pages.customer_data_export",
        "admin_api.report_returns",
        "admin_api.report_top_defective",
        "admin_api.report_outcomes",
        "admin_api.report_budget",
        "admin_pages.returns_report",
        "admin_pages.outcomes_report",
        "admin_pages.csv_returns",
    } <= walked


def a_state(client, incident_a):
    """What shop A's caller sees of A's incident, compensations, settings and policy."""
    a_caller = bearer(shop=SHOPIFY_DOMAIN)
    return (
        client.get(f"/admin/api/incidents/{incident_a}", headers=a_caller).json,
        client.get("/admin/api/compensations", headers=a_caller).json,
        client.get(
            "/admin/api/templates/{kind}/{stage}/{language}".format(**A_TEMPLATE), headers=a_caller
        ).json["override"],
        client.get("/admin/api/settings", headers=a_caller).json,
        client.get("/admin/api/policy", headers=a_caller).json,
    )


# What B sends to the routes that read a body or a query: A's incident and customer, and a
# policy and settings of its own, which may land in B's shop only.
B_BODY = {"text": "from B", "yaml": "rules: []", "policy": "rules: []"}
A_EMAIL = "only-a@example.com"
# Routes without an incident in their path that answer B "not found" for A's rows.
A_ROWS_IN_BODY = {"admin_api.preview_policy", "admin_api.customer_export"}
# Routes that refuse B's body as a form to correct, and save nothing.
CHECKED_FORMS = {"admin_api.replace_settings"}


def test_a_caller_of_shop_b_gets_nothing_of_shop_a_on_any_route(app, client, shops):
    incident_a, compensation_a = shops
    before = a_state(client, incident_a)
    a_skus = client.get("/admin/api/reports/returns?by=sku", headers=bearer(shop=SHOPIFY_DOMAIN))
    assert [row["sku"] for row in a_skus.json] == [f"SKU-{A_ORDER}"]  # A sees its own
    assert before[1][0]["status"] == "pending_approval"
    assert before[2] == A_WORDING
    a_key = before[1][0]["idempotency_key"]
    b_pass = b_page_pass(client)
    walked = []

    for rule, method in admin_routes(app):
        values = {name: A_TEMPLATE.get(name, incident_a) for name in rule.arguments}
        if "compensation_id" in rule.arguments:
            values["compensation_id"] = compensation_a
        if "anything" in rule.arguments:
            values["anything"] = f"incidents/{incident_a}"
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), url)
        sent = B_BODY | {"incident": incident_a, "email": A_EMAIL}
        if rule.endpoint.startswith("admin_api."):
            answer = client.open(
                url,
                method=method,
                json=sent,
                query_string={"email": A_EMAIL},
                headers=bearer(shop=OTHER_DOMAIN),
            )
        else:
            data = {"pass": b_pass} | sent
            if method == "GET":
                answer = client.get(url, query_string={"pass": b_pass, "email": A_EMAIL})
            else:
                answer = client.open(url, method=method, data=data)
        body = answer.get_data(as_text=True)
        walked.append((rule.endpoint, method, answer.status_code))
        assert A_ORDER not in body, (rule.rule, method)
        assert A_EMAIL not in body, (rule.rule, method)
        assert a_key not in body, (rule.rule, method)
        assert "tienda A" not in body, (rule.rule, method)
        assert "Solo para A" not in body, (rule.rule, method)
        if rule.endpoint in A_ROWS_IN_BODY:
            expected = {404}
        elif rule.endpoint in CHECKED_FORMS:
            expected = {422}
        elif "kind" in rule.arguments:  # B's own wording of the message A changed
            expected = {200, 403} if rule.endpoint.startswith("admin_pages.") else {200, 422}
        elif method == "POST" and not rule.endpoint.startswith("admin_api."):
            expected = {403, 404}  # B's page forms carry no token here: refused first
        elif not rule.arguments:
            expected = {200}
        elif rule.endpoint == "admin_api.unknown":
            expected = {404, 405}  # A's incident's path exists, but not for every method
        else:
            expected = {404}
        assert answer.status_code in expected, (rule.rule, method, answer.status_code)

    assert a_state(client, incident_a) == before
    assert len(walked) >= 16 + 2 * 8 + 3


@pytest.mark.parametrize("action", ["notes", "resolve", "reopen"])
def test_shop_bs_valid_form_on_shop_as_incident_is_not_found(client, make_incident, shops, action):
    incident_a, _ = shops
    b_shop = client.get("/admin/api/incidents/counts", headers=bearer(shop=OTHER_DOMAIN))
    assert b_shop.status_code == 200
    b_pass = b_page_pass(client)
    b_incident = client.get("/admin/api/incidents", headers=bearer(shop=OTHER_DOMAIN)).json
    assert b_incident == []
    own = make_incident(2, order="8881")
    form_page = client.get(f"/admin/incidents/{own}", query_string={"pass": b_pass})
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page.get_data(as_text=True))
    before = client.get(f"/admin/api/incidents/{incident_a}", headers=bearer()).json

    answer = client.post(
        f"/admin/incidents/{incident_a}/{action}",
        data={"pass": b_pass, "csrf_token": token.group(1), "text": "from B"},
    )

    assert answer.status_code == 404
    assert A_ORDER not in answer.get_data(as_text=True)
    assert client.get(f"/admin/api/incidents/{incident_a}", headers=bearer()).json == before
