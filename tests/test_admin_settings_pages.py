"""The settings, policy and customer-data pages inside Shopify's admin."""

from __future__ import annotations

import json

import pytest

from plugin.storage.models import CompensationRecord, Shop
from tests.panel_helpers import bearer, defective_order, session_token
from tests.test_admin_pages import APP_URL, csrf_of, parsed, pass_of
from tests.test_admin_settings_api import GOOD_POLICY, SETTINGS


@pytest.fixture
def opened(client, shopify_shop):
    """The App URL loaded once: the pass the panel's links carry."""
    return pass_of(client.get(f"{APP_URL}&id_token={session_token()}"))


def page(client, path, panel_pass, **query):
    return client.get(path, query_string={"pass": panel_pass, **query})


def form_of(values):
    """The settings form as a browser posts it."""
    return {k: v for k, v in values.items() if k not in ("business_days", "holidays")} | {
        "business_days": values["business_days"],
        "holidays": "\n".join(values["holidays"]),
    }


def stored(runtime, shop_id):
    with runtime.database.reading() as session:
        return session.get(Shop, shop_id).settings


def test_the_nav_names_the_new_pages_and_they_carry_app_bridge(client, opened):
    inbox = client.get(f"{APP_URL}&id_token={session_token()}").get_data(as_text=True)

    for path, title in (
        ("/admin/settings", "Settings"),
        ("/admin/policy", "Compensation policy"),
        ("/admin/customer-data", "Customer data"),
    ):
        assert f'href="{path}?pass=' in inbox
        shown = page(client, path, opened)
        assert shown.status_code == 200
        assert parsed(shown).head[1] == (
            "script",
            {"src": "https://cdn.shopify.com/shopifycloud/app-bridge.js"},
        )
        assert all("src" in script for script in parsed(shown).scripts)
        assert f"<title>{title} · Amends</title>" in shown.get_data(as_text=True)


def test_the_settings_form_saves_and_shows_what_was_saved(client, runtime, shopify_shop, opened):
    form = page(client, "/admin/settings", opened)
    body = form.get_data(as_text=True)
    assert "data-save-bar" in body
    assert '<label for="handling_days">' in body

    answer = client.post(
        "/admin/settings",
        data=form_of(SETTINGS) | {"pass": opened, "csrf_token": csrf_of(form)},
    )

    assert answer.status_code == 303
    assert "done=saved" in answer.headers["Location"]
    assert stored(runtime, shopify_shop)["care"]["handling_days"] == 3
    again = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Settings saved." in again
    assert "2026-12-08\n2026-12-25" in again
    assert 'value="750.50"' in again


def test_bad_fields_get_red_messages_beside_them_in_the_merchants_language(
    client, runtime, shopify_shop
):
    panel_pass = pass_of(client.get(f"{APP_URL}&locale=de&id_token={session_token()}"))
    form = page(client, "/admin/settings", panel_pass)
    bad = form_of(SETTINGS | {"handling_days": "zwei", "merchant_email": "chef"})

    answer = client.post(
        "/admin/settings", data=bad | {"pass": panel_pass, "csrf_token": csrf_of(form)}
    )

    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="handling_days-hint handling_days-error"' in body
    assert '<p class="field-error" id="merchant_email-error">' in body
    assert "Geben Sie eine E-Mail-Adresse ein, etwa owner@shop.example." in body
    assert 'value="zwei"' in body  # what was typed stays to be corrected
    assert stored(runtime, shopify_shop) == {}


def test_a_settings_form_without_its_token_changes_nothing(client, runtime, shopify_shop, opened):
    answer = client.post("/admin/settings", data=form_of(SETTINGS) | {"pass": opened})

    assert answer.status_code == 403
    assert stored(runtime, shopify_shop) == {}


def test_the_policy_page_saves_valid_yaml_and_refuses_bad_lines(
    client, runtime, shopify_shop, opened
):
    form = page(client, "/admin/policy", opened)
    assert "rules:" in form.get_data(as_text=True)
    assert "not saved yet" not in form.get_data(as_text=True)
    token = csrf_of(form)

    bad = client.post(
        "/admin/policy",
        data={"pass": opened, "csrf_token": token, "policy": GOOD_POLICY.replace("'7'", "'-7'")},
    )
    good = client.post(
        "/admin/policy", data={"pass": opened, "csrf_token": token, "policy": GOOD_POLICY}
    )

    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Line 9:" in body
    assert "amount must not be negative, got -7" in body
    assert 'aria-describedby="policy-hint policy-error"' in body
    assert good.status_code == 303
    assert stored(runtime, shopify_shop)["compensation"]["rules"][0]["grant"]["amount"] == "7"


def test_the_preview_shows_what_the_draft_gives_without_saving_it(
    client, runtime, shopify_shop, opened
):
    incident = defective_order(runtime, shopify_shop, {"rules": []})
    before = stored(runtime, shopify_shop)
    form = page(client, "/admin/policy", opened)
    assert f'<option value="{incident}">#5001' in form.get_data(as_text=True)

    answer = client.post(
        "/admin/policy/preview",
        data={
            "pass": opened,
            "csrf_token": csrf_of(form),
            "policy": GOOD_POLICY,
            "incident": str(incident),
        },
    )

    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert "It would give:" in body
    assert "coupon of 7.00 EUR off the next order, valid 60 days" in body
    assert f'<option value="{incident}" selected>' in body
    assert "kind: fixed_coupon" in body  # the draft stays in the editor
    assert "The policy in the editor is not saved yet." in body
    assert "data-unsaved" in body
    assert stored(runtime, shopify_shop) == before
    with runtime.database.reading() as session:
        assert session.query(CompensationRecord).count() == 0


def test_the_customers_data_downloads_as_json(client, runtime, shopify_shop, opened):
    defective_order(runtime, shopify_shop, {"rules": []}, email="Lucia@example.es")
    form = page(client, "/admin/customer-data", opened)
    token = csrf_of(form)

    found = client.post(
        "/admin/customer-data",
        data={"pass": opened, "csrf_token": token, "email": "lucia@example.es"},
    )
    unknown = client.post(
        "/admin/customer-data",
        data={"pass": opened, "csrf_token": token, "email": "nadie@example.es"},
    )

    assert found.status_code == 200
    assert found.headers["Content-Disposition"] == (
        'attachment; filename="customer-data-2026-11-23.json"'
    )
    held = json.loads(found.get_data(as_text=True))
    assert (
        held
        == client.get("/admin/api/customers/data?email=lucia@example.es", headers=bearer()).json
    )
    assert [order["order_id"] for order in held["orders"]] == ["5001"]
    assert unknown.status_code == 404
    assert "Amends holds no data about a customer with this e-mail address." in (
        unknown.get_data(as_text=True)
    )


def test_a_broken_setting_the_form_does_not_show_is_named_on_the_page(
    client, runtime, shopify_shop, opened
):
    form = page(client, "/admin/settings", opened)
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = {"care": {"resolve_within_days": {"late": 3}}}

    answer = client.post(
        "/admin/settings",
        data=form_of(SETTINGS) | {"pass": opened, "csrf_token": csrf_of(form)},
    )

    assert answer.status_code == 422
    assert "resolve_within_days names no incident kind" in answer.get_data(as_text=True)
    assert stored(runtime, shopify_shop) == {"care": {"resolve_within_days": {"late": 3}}}
    shown = page(client, "/admin/settings", opened)
    assert shown.status_code == 422
    assert "resolve_within_days names no incident kind" in shown.get_data(as_text=True)


def test_the_standalone_admin_saves_settings_from_the_page_and_the_api(
    client, runtime, shopify_shop, cli
):
    from tests.test_admin_login import EMAIL, PASSWORD, choose, sign_in

    assert cli("users", "add", EMAIL, input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    sign_in(client)
    choose(client, shopify_shop)
    form = client.get("/admin/settings")
    assert form.status_code == 200

    saved = client.post("/admin/settings", data=form_of(SETTINGS) | {"csrf_token": csrf_of(form)})
    no_header = client.put("/admin/api/settings", json=SETTINGS | {"handling_days": 7})
    with_header = client.put(
        "/admin/api/settings",
        json=SETTINGS | {"handling_days": 7},
        headers={"X-CSRF-Token": csrf_of(form)},
    )

    assert saved.status_code == 303
    assert no_header.status_code == 403
    assert with_header.status_code == 200
    assert stored(runtime, shopify_shop)["care"]["handling_days"] == 7
