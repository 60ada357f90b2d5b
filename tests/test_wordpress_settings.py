"""A merchant edits the store's Amends settings from wp-admin, in a real WordPress.

The WordPress, the sandbox store and Amends beside them are set up as in
test_wordpress_admin.py. The form posts to WordPress, which forwards it signed;
Amends' field messages come back beside the fields, and a refused form saves nothing.
"""

from __future__ import annotations

from playwright.sync_api import expect

import tests.test_wordpress_admin as wp_admin
from plugin.storage.models import Shop
from tests.test_wordpress_admin import amends_page, save_amends_url, shot

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
