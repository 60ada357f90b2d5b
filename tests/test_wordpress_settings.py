"""A merchant edits the store's Amends settings from wp-admin, in a real WordPress.

The WordPress, the sandbox store and Amends beside them are set up as in
test_wordpress_admin.py. The form posts to WordPress, which forwards it signed;
Amends' field messages come back beside the fields, and a refused form saves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

import tests.test_wordpress_admin as wp_admin
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.storage.models import CompensationRecord, Shop
from tests.test_admin_settings_api import GOOD_POLICY
from tests.test_wordpress_admin import amends_page, broken_vase_returned, save_amends_url, shot

pytestmark = wp_admin.pytestmark
database_url = wp_admin.database_url
wordpress = wp_admin.wordpress
browser = wp_admin.browser
store = wp_admin.store
amends = wp_admin.amends
shop = wp_admin.shop
page = wp_admin.page


def stored(runtime, shop_id):
    with runtime.database.reading() as session:
        return session.get(Shop, shop_id).settings


def test_the_shop_settings_tab_saves_through_amends_and_shows_its_field_messages(
    page, wordpress, amends, shop, runtime
):
    save_amends_url(page, wordpress, amends)
    before = stored(runtime, shop)
    page.goto(amends_page(wordpress, "shop"))
    expect(page.get_by_label("Handling time (business days)")).to_have_value("2")

    page.get_by_label("Handling time (business days)").fill("61")
    page.get_by_label("Reply-to address").fill("nadie")
    page.get_by_label("Sender name").fill("Tienda de José")
    page.get_by_role("button", name="Save shop settings").click()

    expect(page.locator(".notice-error")).to_contain_text("The settings were not saved.")
    expect(page.locator("#amends-handling_days-error")).to_have_text(
        "Enter a whole number of business days from 0 to 60."
    )
    expect(page.locator("#amends-reply_to-error")).to_have_text(
        "Enter one e-mail address, such as owner@shop.example."
    )
    expect(page.get_by_label("Sender name")).to_have_value("Tienda de José")
    expect(page.get_by_label("Handling time (business days)")).to_have_attribute(
        "aria-invalid", "true"
    )
    shot(page, "wp-admin-shop-settings-errors.png")
    assert stored(runtime, shop) == before

    page.get_by_label("Handling time (business days)").fill("3")
    page.get_by_label("Reply-to address").fill("ayuda@tienda.example")
    page.locator("input[name='business_days[]'][value='saturday']").check()
    page.get_by_label("Holidays").fill("2026-12-25\n2026-12-08")
    page.get_by_role("button", name="Save shop settings").click()

    expect(page.locator(".notice-success")).to_contain_text("Settings saved.")
    expect(page.get_by_label("Handling time (business days)")).to_have_value("3")
    expect(page.get_by_label("Holidays")).to_have_value("2026-12-08\n2026-12-25")
    care = stored(runtime, shop)["care"]
    assert (care["handling_days"], care["weekend"]) == (3, [6])
    assert stored(runtime, shop)["messages"]["reply_to"] == "ayuda@tienda.example"
    assert wordpress.php_problems() == []


def test_the_shop_settings_form_without_its_nonce_saves_nothing(
    page, wordpress, amends, shop, runtime
):
    save_amends_url(page, wordpress, amends)
    before = stored(runtime, shop)

    posted = page.request.post(
        f"{wordpress.url}/wp-admin/admin-post.php",
        form={"action": "amends_shop_settings", "handling_days": "9", "_wpnonce": "0123456789"},
    )

    assert posted.status == 403
    assert stored(runtime, shop) == before


def defective_vase(runtime, store, shop) -> dict:
    """A defective vase returned to a store whose policy gives nothing: the order, as stored."""
    with runtime.database.transaction() as session:
        save_policy(session, shop, read_policy({"rules": []}))
    return broken_vase_returned(runtime, store)


def test_the_policy_tab_previews_a_draft_then_saves_it(
    page, wordpress, amends, shop, store, runtime
):
    order = defective_vase(runtime, store, shop)
    save_amends_url(page, wordpress, amends)
    page.goto(amends_page(wordpress, "policy"))
    expect(page.get_by_label("Policy (YAML)")).to_have_value(
        "version: 1\ncaps:\n  per_incident: {}\n"
        "  per_customer:\n    window_days: 90\n  over_cap: approve\napproval: {}\nrefunds:\n"
        "  through_gateway: true\nrules: []\n"
    )

    page.get_by_label("Policy (YAML)").fill(GOOD_POLICY.replace("'7'", "'-7'"))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#amends-policy-error")).to_contain_text(
        "line 9: rule 1 'faulty items': amount must not be negative, got -7"
    )

    page.get_by_label("Policy (YAML)").fill(GOOD_POLICY)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".amends-preview")).to_contain_text("It would give:")
    expect(page.locator(".amends-preview")).to_contain_text("coupon of 7.00")
    expect(page.get_by_label("Incident")).to_contain_text(f"Order #{order['number']}")
    shot(page, "wp-admin-policy-preview.png")
    with runtime.database.reading() as session:
        assert session.query(CompensationRecord).count() == 0
    assert stored(runtime, shop)["compensation"]["rules"] == []

    page.get_by_role("button", name="Save policy").click()
    expect(page.locator(".notice-success")).to_contain_text("Policy saved.")
    assert stored(runtime, shop)["compensation"]["rules"][0]["name"] == "faulty items"
    assert wordpress.php_problems() == []


def test_the_customer_data_tab_downloads_the_customers_data(
    page, wordpress, amends, shop, store, runtime
):
    order = defective_vase(runtime, store, shop)
    save_amends_url(page, wordpress, amends)
    page.goto(amends_page(wordpress, "customers"))

    page.get_by_label("Customer's e-mail address").fill("nadie@tienda.example")
    page.get_by_role("button", name="Download (JSON)").click()
    expect(page.locator(".notice-error")).to_contain_text(
        "Amends holds no data about a customer with this e-mail address."
    )
    page.get_by_label("Customer's e-mail address").fill("JOSE@tienda.example")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download (JSON)").click()

    held = json.loads(Path(downloading.value.path()).read_text(encoding="utf-8"))
    assert held["customer_email"] == "jose@tienda.example"
    assert [o["order_id"] for o in held["orders"]] == [str(order["id"])]
    assert [i["kind"] for i in held["incidents"]] == ["defective_item"]
    assert wordpress.php_problems() == []
