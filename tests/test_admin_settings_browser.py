"""Settings and the policy preview in Debian's Chromium, framed the way Shopify's admin frames it.

The contextual save bar is App Bridge's when it loads (its stand-in here keeps the
bar's state and buttons where the test reaches them) and the panel's own when
Shopify's CDN cannot be reached. Screenshots go where tests/browser.py says.
"""

from __future__ import annotations

import tests.test_admin_browser as framed
from tests.panel_helpers import bearer, defective_order
from tests.test_admin_browser import PANEL, open_admin, shot
from tests.test_admin_settings_api import GOOD_POLICY

# Chromium, the panel on loopback and its SQLite database, as the panel's journeys set them up.
pytestmark = framed.pytestmark
browser = framed.browser
panel_server = framed.panel_server
database_url = framed.database_url

PHONE = {"width": 390, "height": 844}
CRITICAL = "rgb(142, 31, 11)"  # --critical in panel.css


def go_to(page, label: str):
    """Open a page of the panel from its nav menu, which App Bridge took into the admin."""
    app_frame = page.frame(name="app-iframe")
    href = app_frame.locator(f"ui-nav-menu a:text-is('{label}')").get_attribute("href")
    app_frame.goto(f"{PANEL}{href}")
    return page.frame_locator('iframe[name="app-iframe"]'), page.frame(name="app-iframe")


def test_settings_on_a_phone_with_app_bridges_save_bar(browser, panel_server, client, shopify_shop):
    page = open_admin(browser, panel_server, viewport=PHONE)
    page.frame_locator('iframe[name="app-iframe"]').locator("main").wait_for()
    panel, app_frame = go_to(page, "Settings")

    panel.get_by_label("Handling time (business days)").fill("61")
    panel.get_by_label("E-mail for alerts").fill("owner@lumen")
    assert app_frame.evaluate("window.__appBridgeSaveBar") == "shown"
    assert panel.locator(".save-bar").is_hidden()  # App Bridge shows the admin's bar
    app_frame.evaluate("window.__appBridgeSaveBarSave()")

    error = panel.locator("#handling_days-error")
    error.wait_for()
    assert error.text_content() == "Enter a whole number of business days from 0 to 60."
    assert error.evaluate("e => getComputedStyle(e).color") == CRITICAL
    assert panel.locator("#merchant_email-error").text_content() == (
        "Enter one e-mail address, such as owner@shop.example."
    )
    width = app_frame.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing overflows sideways on a phone
    shot(page, "settings-errors-phone-embedded")
    assert client.get("/admin/api/settings", headers=bearer()).json["handling_days"] == 2

    panel.get_by_label("Handling time (business days)").fill("4")
    panel.get_by_label("E-mail for alerts").fill("owner@lumen.example")
    panel.get_by_label("Sunday").check()
    app_frame.evaluate("window.__appBridgeSaveBarSave()")
    panel.get_by_text("Settings saved.").wait_for()
    app_frame.wait_for_function("(window.__appBridgeToasts || []).length > 0")
    assert app_frame.evaluate("window.__appBridgeToasts") == ["Settings saved."]
    shot(page, "settings-phone-embedded")

    saved = client.get("/admin/api/settings", headers=bearer()).json
    assert (saved["handling_days"], saved["merchant_email"]) == (4, "owner@lumen.example")
    assert "sunday" in saved["business_days"]


def test_the_panels_own_save_bar_when_shopifys_cdn_is_down(
    browser, panel_server, client, shopify_shop
):
    page = open_admin(browser, panel_server, cdn="down", locale="it", viewport=PHONE)
    panel = page.frame_locator('iframe[name="app-iframe"]')
    panel.get_by_role("link", name="Impostazioni").click()
    bar = panel.get_by_role("region", name="Modifiche non salvate")
    field = panel.get_by_label("Tempo di evasione (giorni lavorativi)")
    assert bar.is_hidden()

    field.fill("9")
    bar.wait_for()
    shot(page, "settings-save-bar-phone-no-cdn-it")
    bar.get_by_role("button", name="Annulla modifiche").click()
    bar.wait_for(state="hidden")
    assert field.input_value() == "2"
    assert panel.locator(":focus").get_attribute("id") == "handling_days"  # back to the form

    field.fill("5")
    bar.get_by_role("button", name="Salva").focus()
    page.keyboard.press("Enter")
    panel.get_by_text("Impostazioni salvate.").wait_for()

    assert client.get("/admin/api/settings", headers=bearer()).json["handling_days"] == 5


def test_the_policy_preview_inside_the_admin(browser, panel_server, client, runtime, shopify_shop):
    incident = defective_order(runtime, shopify_shop, {"rules": []})
    page = open_admin(browser, panel_server, viewport={"width": 1280, "height": 900})
    page.frame_locator('iframe[name="app-iframe"]').locator("main").wait_for()
    panel, app_frame = go_to(page, "Policy")

    panel.get_by_label("Policy (YAML)").fill(GOOD_POLICY.replace("'7'", "'-7'"))
    panel.get_by_label("Incident").select_option(str(incident))
    panel.get_by_role("button", name="Preview").click()
    panel.get_by_text("amount must not be negative, got -7").wait_for()
    assert panel.get_by_text("Line 9:").is_visible()

    panel.get_by_label("Policy (YAML)").fill(GOOD_POLICY)
    panel.get_by_role("button", name="Preview").click()
    panel.get_by_text("It would give:").wait_for()
    given = panel.get_by_text("coupon of 7.00 EUR off the next order, valid 60 days", exact=True)
    assert given.is_visible()
    panel.locator(".preview").scroll_into_view_if_needed()
    shot(page, "policy-preview-embedded")
    assert client.get("/admin/api/policy", headers=bearer()).json["policy"]["rules"] == []

    # The page shows the draft it previewed as loaded: no save bar; its own button saves.
    assert app_frame.evaluate("window.__appBridgeSaveBar") == "hidden"
    panel.get_by_role("button", name="Save", exact=True).click()
    panel.get_by_text("Policy saved.").wait_for()
    saved = client.get("/admin/api/policy", headers=bearer()).json["policy"]
    assert saved["rules"][0]["grant"] == {
        "kind": "fixed_coupon",
        "amount": "7",
        "expires_in_days": 60,
    }


def test_a_previewed_draft_shows_the_panels_save_bar_and_discard_goes_back_to_the_saved(
    browser, panel_server, client, runtime, shopify_shop
):
    incident = defective_order(runtime, shopify_shop, {"rules": []})
    page = open_admin(browser, panel_server, cdn="down", viewport=PHONE)
    panel = page.frame_locator('iframe[name="app-iframe"]')
    panel.get_by_role("link", name="Policy").click()
    editor = panel.get_by_label("Policy (YAML)")
    bar = panel.get_by_role("region", name="Unsaved changes")

    editor.fill(GOOD_POLICY)
    panel.get_by_label("Incident").select_option(str(incident))
    panel.get_by_role("button", name="Preview").click()
    panel.get_by_text("It would give:").wait_for()
    bar.wait_for()  # the draft in the editor is not the policy in force
    assert panel.get_by_text("The policy in the editor is not saved yet.").is_visible()

    bar.get_by_role("button", name="Discard").click()
    panel.get_by_text("The policy in the editor is not saved yet.").wait_for(state="detached")
    panel.get_by_text("Your own policy.").wait_for()  # the page loaded again
    bar.wait_for(state="hidden")
    assert "rules: []" in editor.input_value()
    assert client.get("/admin/api/policy", headers=bearer()).json["policy"]["rules"] == []
