"""A merchant works Amends from wp-admin: a real WordPress, the plugin, Amends beside it.

WordPress (Debian's package, on the machine's MariaDB, served by `php -S`) runs the
Amends plugin. The store's REST side is the sandbox WooCommerce, which Amends is
connected to: its webhooks carry the secret Amends chose, and the test site's
stand-in for WooCommerce's webhook records hands the plugin those same records.
Headless Chromium (Debian's) logs into wp-admin and works the store's incidents;
every request the plugin makes to Amends is signed and verified.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import func, select

from plugin import worker
from plugin.app import create_app
from plugin.compensation.approvals import list_compensations
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.dispatch import handle_event
from plugin.incidents import staff
from plugin.incidents.views import list_incidents, show_incident
from plugin.scope import ShopScope
from plugin.storage import migrate
from plugin.storage.db import connect
from plugin.storage.models import RequestNonce
from sandboxes.wordpress.site import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    EDITOR_USER,
    WordPressSite,
    running_wordpress,
)
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.helpers import connect_sandbox_store, refund_broken_item
from tests.panel_helpers import NEEDS_APPROVAL
from tests.report_helpers import back, line, order, returned
from tests.test_sandbox_woocommerce_helpers import (
    Sandbox,
    ServerThread,
    observed,
    running_sandbox,
)
from tests.test_signed_requests import php_signed

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ORDER = observed("POST-orders-create")["request"]["json"]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Run these journeys on SQLite only: they are about the pages, not the queries."""
    url = f"sqlite:///{tmp_path / 'amends.sqlite3'}"
    database = connect(url)
    migrate.upgrade(database)
    database.dispose()
    return url


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPressSite]:
    with running_wordpress(tmp_path_factory.mktemp("wordpress")) as site:
        yield site


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def store() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def amends(runtime, store) -> Iterator[str]:
    """Serve Amends on loopback; the store delivers to its port, as a test store may."""
    app = create_app(runtime=runtime)
    server = ServerThread(app)
    runtime.settings = dataclasses.replace(runtime.settings, public_url=server.url)
    store.store.allow_port(int(server.url.rsplit(":", 1)[1]))
    yield server.url
    server.close()


@pytest.fixture
def shop(runtime, store, amends, make_shop, wordpress, clock) -> int:
    """Connect the sandbox store to Amends, and show WordPress the webhooks it got."""
    shop_id = connect_sandbox_store(runtime, store, make_shop)
    wordpress.show_webhooks(
        [
            {
                "id": hook.id,
                "status": hook.status,
                "delivery_url": hook.delivery_url,
                "secret": hook.secret,
            }
            for hook in store.store.webhooks.values()
        ]
    )
    wordpress.set_time(clock.now())
    return shop_id


@pytest.fixture
def incidents(runtime, store, shop, make_shop) -> dict[str, int]:
    """Open a defective-item incident through the store, one by hand, and one for another shop."""
    order = broken_vase_returned(runtime, store)
    other = make_shop("woocommerce", domain="https://otra-tienda.example/")
    with runtime.database.transaction() as session:
        late = staff.open_by_hand(session, shop, "5120", "delayed_shipment").id
        foreign = staff.open_by_hand(session, other, "7777", "wrong_item").id
    with runtime.database.reading() as session:
        (defective,) = [
            i["id"]
            for i in list_incidents(session, ShopScope.only(shop))
            if i["kind"] == "defective_item"
        ]
    return {"defective": defective, "late": late, "foreign": foreign, "order": order["number"]}


def broken_vase_returned(runtime, store: Sandbox) -> dict:
    """Sell the vase in the store, refund it as arrived broken, let Amends take it in.

    Return the order, as the store holds it.
    """
    order = store.api.post("orders", ORDER).json()
    store.flush()
    refund_broken_item(store, order)
    worker.run_once(runtime)
    return order


@contextmanager
def logged_in(browser: Browser, wordpress: WordPressSite, user: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    opened = context.new_page()
    opened.goto(f"{wordpress.url}/wp-login.php")
    opened.fill("#user_login", user)
    opened.fill("#user_pass", ADMIN_PASSWORD)
    opened.click("#wp-submit")
    # Signed in once the dashboard's address comes back: its scripts and styles, one at a
    # time from PHP's one-request server, are not what a test waits for.
    opened.wait_for_url("**/wp-admin/**", wait_until="commit")
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, wordpress: WordPressSite) -> Iterator[Page]:
    with logged_in(browser, wordpress, ADMIN_USER) as opened:
        yield opened


def amends_page(wordpress: WordPressSite, tab: str = "incidents", **args: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"page": "amends", "tab": tab, **args}.items())
    return f"{wordpress.url}/wp-admin/admin.php?{query}"


def save_amends_url(page: Page, wordpress: WordPressSite, url: str) -> None:
    page.goto(amends_page(wordpress, "settings"))
    page.fill("#amends_url", url)
    page.click("#submit")
    expect(page.locator(".notice-success")).to_contain_text("Settings saved.")


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def spent_nonces(runtime) -> int:
    with runtime.database.reading() as session:
        return session.scalar(select(func.count()).select_from(RequestNonce)) or 0


def test_a_merchant_sees_and_works_the_stores_incidents_in_wp_admin(
    page, wordpress, amends, shop, incidents, runtime
):
    save_amends_url(page, wordpress, amends)
    expect(page.locator(".amends-connected")).to_contain_text(
        f"this store is shop {shop} at Amends"
    )
    shot(page, "wp-admin-settings.png")

    page.click("nav.nav-tab-wrapper >> text=Incidents")
    rows = page.locator("table.wp-list-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Order #5120")
    expect(rows.nth(0)).to_contain_text("Delayed shipment")
    expect(rows.nth(1)).to_contain_text(f"Order #{incidents['order']}")
    expect(rows.nth(1)).to_contain_text("Defective item")
    expect(rows.nth(1)).to_contain_text("jose@tienda.example")
    expect(page.locator("table.wp-list-table")).not_to_contain_text("7777")  # another shop's
    expect(page.locator(".subsubsub")).to_contain_text("All (2)")
    shot(page, "wp-admin-inbox.png")

    page.select_option("#amends-filter-kind", "defective_item")
    page.click("#filter_action")
    expect(rows).to_have_count(1)
    page.fill("#amends-incident-search-input", "5120")
    page.click("#search-submit")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("No incidents")

    page.goto(amends_page(wordpress))
    page.click(f"text=Order #{incidents['order']}")
    expect(page.locator(".amends-incident-title")).to_contain_text(
        f"Defective item — order #{incidents['order']}"
    )
    expect(page.locator(".amends-timeline")).to_contain_text("incident opened")

    page.fill("#amends-note", "Llamé a José: manda fotos del jarrón roto.")
    page.click("#amends-add-note")
    expect(page.locator(".notice-success")).to_contain_text("Note added.")
    expect(page.locator(".amends-timeline")).to_contain_text(
        "Llamé a José: manda fotos del jarrón roto."
    )
    shot(page, "wp-admin-incident.png")

    page.click("#amends-resolve")
    expect(page.locator(".notice-success")).to_contain_text("Incident resolved.")
    expect(page.locator(".amends-facts")).to_contain_text("Resolved")
    expect(page.locator("#amends-reopen")).to_be_visible()

    with runtime.database.reading() as session:
        shown = show_incident(session, ShopScope.only(shop), incidents["defective"])
    assert shown["status"] == "resolved"
    assert [
        (e["type"], e["actor"], e["detail"]) for e in shown["timeline"] if e["type"] == "note_added"
    ] == [("note_added", "staff:wordpress", {"text": "Llamé a José: manda fotos del jarrón roto."})]
    assert spent_nonces(runtime) > 0  # every page and action went as a signed request
    assert wordpress.php_problems() == []


def test_a_request_signed_with_the_wrong_secret_is_refused_and_the_merchant_told(
    page, wordpress, amends, shop, incidents, store
):
    save_amends_url(page, wordpress, amends)
    hooks = [
        {
            "id": hook.id,
            "status": hook.status,
            "delivery_url": hook.delivery_url,
            "secret": "x" * 32,
        }
        for hook in store.store.webhooks.values()
    ]
    wordpress.show_webhooks(hooks)

    page.goto(amends_page(wordpress))

    expect(page.locator(".notice-error")).to_contain_text(
        "signed request refused: the signature does not match"
    )
    expect(page.locator("table.wp-list-table tbody")).to_contain_text("could not be loaded")


def test_connect_starts_amends_key_flow_for_this_store(page, wordpress, amends, shop):
    """The button hands the browser to Amends with the store and the page to come back to.

    The flow from there (wc-auth, keys, webhooks, the way back) is
    test_woocommerce_connector's; this Amends is plain http, so it stops at the start.
    """
    save_amends_url(page, wordpress, amends)

    with page.expect_response(lambda r: "/admin/connect/woocommerce?" in r.url) as started:
        page.click("#amends-connect")

    url = started.value.url
    assert url.startswith(f"{amends}/admin/connect/woocommerce?")
    params = parse_qs(urlsplit(url).query)
    assert params["store_url"] == [wordpress.url + "/"]
    assert params["return_to"] == [amends_page(wordpress, "settings")]


@pytest.fixture
def waiting(runtime, store, shop) -> dict:
    """A defective vase whose coupon the shop's policy holds for approval."""
    with runtime.database.transaction() as session:
        save_policy(session, shop, read_policy(NEEDS_APPROVAL))
    order = broken_vase_returned(runtime, store)
    with runtime.database.reading() as session:
        (pending,) = list_compensations(session, ShopScope.only(shop), pending_only=True)
    return pending | {"order": order["number"]}


def coupons(store: Sandbox, code: str) -> list[dict]:
    """Read the store's coupons with that code through WooCommerce's REST API."""
    answer = store.api.get("coupons", params={"code": code})
    assert answer.status_code == 200
    return answer.json()


def test_approving_a_compensation_in_wp_admin_makes_the_coupon_in_the_store(
    page, wordpress, amends, shop, waiting, runtime, store
):
    save_amends_url(page, wordpress, amends)

    expect(page.locator("#toplevel_page_amends")).to_contain_text("Amends")
    page.click("nav.nav-tab-wrapper >> text=Approvals")
    rows = page.locator("table.wp-list-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text(f"Incident {waiting['incident']}")
    expect(rows.nth(0)).to_contain_text("Coupon")
    expect(rows.nth(0)).to_contain_text("5.00 EUR")
    expect(page.locator(".notice-info")).to_have_count(0)
    shot(page, "wp-admin-approvals.png")

    page.click(f"button[aria-label='Approve compensation {waiting['id']}']")
    expect(page.locator(".notice-success")).to_contain_text("Compensation approved.")
    expect(rows.nth(0)).to_contain_text("No compensation waits for your approval.")
    worker.run_once(runtime)

    with runtime.database.reading() as session:
        (given,) = list_compensations(session, ShopScope.only(shop))
    assert (given["status"], given["approved_by"]) == ("issued", "staff:wordpress")
    (coupon,) = coupons(store, given["code"])
    assert (coupon["discount_type"], coupon["amount"], coupon["usage_limit"]) == (
        "fixed_cart",
        "5.00",
        1,
    )
    assert str(coupon["id"]) == given["platform_ref"]
    assert wordpress.php_problems() == []


def test_denying_on_the_incident_page_makes_nothing_in_the_store(
    page, wordpress, amends, shop, waiting, runtime, store
):
    save_amends_url(page, wordpress, amends)
    page.goto(amends_page(wordpress))
    page.click(f"text=Order #{waiting['order']}")
    deny = page.locator(f"button[aria-label='Deny compensation {waiting['id']}']")
    expect(deny).to_be_visible()

    deny.click()
    expect(page.locator(".notice-success")).to_contain_text("Compensation denied.")
    expect(deny).to_have_count(0)
    worker.run_once(runtime)

    with runtime.database.reading() as session:
        (denied,) = list_compensations(session, ShopScope.only(shop))
    assert (denied["status"], denied["denied_by"]) == ("denied", "staff:wordpress")
    assert store.api.get("coupons").json() == []


def notes_of(runtime, incident_id: int) -> list[dict]:
    with runtime.database.reading() as session:
        timeline = show_incident(session, ShopScope.every(), incident_id)["timeline"]
    return [entry for entry in timeline if entry["type"] == "note_added"]


def test_a_user_who_cannot_manage_the_store_gets_neither_the_page_nor_its_actions(
    browser, wordpress, amends, shop, incidents, runtime, page
):
    save_amends_url(page, wordpress, amends)

    with logged_in(browser, wordpress, EDITOR_USER) as editor:
        expect(editor.locator("#toplevel_page_amends")).to_have_count(0)
        opened = editor.goto(amends_page(wordpress))
        posted = editor.request.post(
            f"{wordpress.url}/wp-admin/admin-post.php",
            form={
                "action": "amends_incident",
                "amends_do": "note",
                "incident": str(incidents["defective"]),
                "text": "not allowed",
            },
        )
        refusal = posted.text()

    assert opened is not None
    assert opened.status == 403
    assert posted.status == 403
    assert "not allowed to do that" in refusal
    assert notes_of(runtime, incidents["defective"]) == []


def test_a_form_posted_without_its_nonce_is_refused(
    wordpress, amends, shop, incidents, runtime, page
):
    save_amends_url(page, wordpress, amends)

    posted = page.request.post(
        f"{wordpress.url}/wp-admin/admin-post.php",
        form={
            "action": "amends_incident",
            "amends_do": "note",
            "incident": str(incidents["defective"]),
            "text": "forged from another site",
            "_wpnonce": "0123456789",
        },
    )

    assert posted.status == 403
    assert notes_of(runtime, incidents["defective"]) == []


LATE_NOTICE = "Delayed shipment · Acknowledgement · English"


def amends_api(amends: str, store: Sandbox, shop: int, clock, path: str) -> dict:
    """Read Amends' JSON API as the plugin does: signed in PHP with the store's secret."""
    secret = next(iter(store.store.webhooks.values())).secret
    (headers,) = php_signed(
        {
            "secret": secret,
            "shop": shop,
            "method": "GET",
            "url": amends + path,
            "body": "",
            "timestamp": int(clock.now().timestamp()),
        }
    )
    answer = requests.get(amends + path, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_merchant_rewords_a_message_previews_it_and_saves_it_in_wp_admin(
    page, wordpress, amends, shop, incidents, store, clock
):
    save_amends_url(page, wordpress, amends)
    page.click("nav.nav-tab-wrapper >> text=Messages")
    expect(page.locator("table.amends-messages")).to_contain_text("Progress update")
    expect(page.locator("a.amends-own")).to_have_count(0)
    page.click(f"a[aria-label='{LATE_NOTICE}']")
    expect(page.locator(".amends-message-title")).to_contain_text("Built-in wording")

    page.fill("#amends-subject", "Order {{ order_name }}: a few more days")
    page.fill(
        "#amends-text",
        "Hello {{ customer_first_name }},\n\norder {{ order_name }} is late. We write again"
        " on {{ next_update }}.\n\nTom <b>& Jerry</b>",
    )
    page.click("#amends-preview")

    expect(page.locator("#amends-preview-subject")).to_have_text("Order 5120: a few more days")
    expect(page.locator("#amends-preview-text")).to_contain_text("order 5120 is late.")
    # The HTML version shows the text's markup as text: escaped once by Amends, once for srcdoc.
    expect(page.frame_locator("#amends-preview-html").locator("body")).to_contain_text(
        "Tom <b>& Jerry</b>"
    )
    expect(page.locator("#amends-text")).to_have_value(re.compile(r"Tom <b>& Jerry</b>$"))
    path = "/admin/api/templates/delayed_shipment/acknowledgement/en"
    assert amends_api(amends, store, shop, clock, path)["customised"] is False
    shot(page, "wp-admin-message.png")

    page.click("#amends-save")

    expect(page.locator(".notice-success")).to_contain_text("Message saved.")
    expect(page.locator(".amends-message-title")).to_contain_text("Your own wording")
    saved = amends_api(amends, store, shop, clock, path)
    assert saved["customised"] is True
    assert saved["override"]["subject"] == "Order {{ order_name }}: a few more days"
    assert saved["override"]["text"].endswith("Tom <b>& Jerry</b>")
    page.click("text=← All messages")
    expect(page.locator("a.amends-own")).to_have_count(1)
    expect(page.locator("a.amends-own")).to_have_attribute(
        "aria-label", f"{LATE_NOTICE} (your own wording)"
    )

    page.click(f"a[aria-label='{LATE_NOTICE} (your own wording)']")
    page.click("#amends-reset")
    expect(page.locator(".notice-success")).to_contain_text("Back to the built-in wording.")
    assert amends_api(amends, store, shop, clock, path)["customised"] is False
    assert wordpress.php_problems() == []


def test_a_draft_that_never_names_the_order_is_marked_and_nothing_is_saved(
    page, wordpress, amends, shop, incidents, store, clock
):
    save_amends_url(page, wordpress, amends)
    page.goto(
        amends_page(
            wordpress, "messages", kind="delayed_shipment", stage="acknowledgement", language="en"
        )
    )
    page.fill("#amends-subject", "About your order")
    page.fill("#amends-text", "Your parcel is late. We write again on {{ next_update }}.")

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#amends-save")

    assert posted.value.status == 422
    expect(page.locator(".notice-error").first).to_contain_text(
        "The message was not saved: correct what is marked below."
    )
    expect(page.locator("#amends-text-error")).to_have_text(
        "Name the order: write {{ order_name }} in it."
    )
    expect(page.locator("#amends-text")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("tr.form-invalid")).to_have_count(1)
    expect(page.locator("#amends-subject")).to_have_value("About your order")
    expect(page.locator("#amends-text")).to_have_value(
        "Your parcel is late. We write again on {{ next_update }}."
    )
    shot(page, "wp-admin-message-problem.png")
    path = "/admin/api/templates/delayed_shipment/acknowledgement/en"
    assert amends_api(amends, store, shop, clock, path)["override"] is None
    assert wordpress.php_problems() == []


@pytest.fixture
def german_site(wordpress: WordPressSite) -> Iterator[WordPressSite]:
    wordpress.set_language("de_DE")
    try:
        yield wordpress
    finally:
        wordpress.set_language("")


def test_a_site_in_german_shows_the_plugin_in_german(page, german_site, amends, shop, incidents):
    save_amends_url(page, german_site, amends)  # "Settings saved." is WordPress' own, untranslated
    page.goto(amends_page(german_site, "messages"))

    tabs = page.locator("nav.nav-tab-wrapper")
    for tab in ("Vorfälle", "Freigaben", "Nachrichten", "Einstellungen"):
        expect(tabs).to_contain_text(tab)
    expect(tabs).to_have_attribute("aria-label", "Bereiche von Amends")
    expect(page.locator("table.amends-messages thead")).to_contain_text("Eingangsbestätigung")
    expect(page.locator("table.amends-messages tbody")).to_contain_text("Verspätete Lieferung")


def test_a_message_posted_without_its_nonce_is_refused_and_nothing_saved(
    wordpress, amends, shop, store, clock, page
):
    save_amends_url(page, wordpress, amends)
    editor = amends_page(
        wordpress, "messages", kind="delayed_shipment", stage="acknowledgement", language="en"
    )

    posted = page.request.post(
        editor,
        form={
            "amends_do": "save",
            "subject": "Forged {{ order_name }}",
            "text": "Order {{ order_name }}: we write again on {{ next_update }}.",
            "_wpnonce": "0123456789",
        },
    )

    assert posted.status == 403
    path = "/admin/api/templates/delayed_shipment/acknowledgement/en"
    assert amends_api(amends, store, shop, clock, path)["override"] is None


def test_the_return_reports_in_wp_admin_with_a_csv_forwarded_through_wordpress(
    page, wordpress, amends, shop, runtime, make_shop
):
    other = make_shop("woocommerce", domain="https://otra-tienda.example/")
    mugs, cloth = line("1", "P1", "MUG-1", 4), line("2", "P2", "CLOTH-1", 2, "Cloth")
    theirs = line("1", "P9", "SKU-OTRA", 3, "Otra")
    with runtime.database.transaction() as session:
        for shop_id, event in [
            (shop, order("W1", "2026-11-10", mugs, cloth)),
            (shop, returned("W1", "W1:rma:1", "2026-11-15", back("1", 2, "defective"))),
            (shop, returned("W1", "W1:rma:2", "2026-11-16", back("2", 1, "size_too_small"))),
            (other, order("O1", "2026-11-10", theirs)),
            (other, returned("O1", "O1:rma:1", "2026-11-12", back("1", 3, "defective"))),
        ]:
            handle_event(session, shop_id, event)
    save_amends_url(page, wordpress, amends)

    page.click("nav.nav-tab-wrapper >> text=Returns")
    reasons = page.locator('table[data-table="returns"] tbody tr')
    expect(reasons).to_have_count(2)
    expect(reasons.nth(0)).to_contain_text("Defective")
    expect(reasons.nth(0)).to_contain_text("33.3 %")  # 2 of 6 units sold
    expect(page.locator(".amends")).not_to_contain_text("SKU-OTRA")
    expect(page.get_by_role("img", name="Returned units per reason, each week")).to_be_visible()
    top = page.get_by_role("img", name="Products most returned as defective")
    expect(top.locator("rect title")).to_have_text(["Mug: 2"])
    page.select_option("#amends-by", "sku")
    page.click(".amends-report-filter >> text=Show")
    expect(reasons.nth(0)).to_contain_text("MUG-1")
    expect(reasons.nth(0)).to_contain_text("50.0 %")  # 2 of 4 mugs
    shot(page, "wp-admin-returns.png")

    with page.expect_download() as downloading:
        page.locator('table[data-table="returns"] + p a', has_text="Download CSV").click()
    download = downloading.value
    assert download.suggested_filename == "amends-returns-by-sku-2026-10-25-to-2026-11-23.csv"
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0].startswith("shop,platform,reason,product_id,sku,title,returned_units")
    assert lines[1].startswith(f"{shop},woocommerce,defective,P1,MUG-1,Mug,2,4,0.5,")
    assert len(lines) == 3

    page.click("nav.nav-tab-wrapper >> text=Outcomes")
    expect(page.locator('table[data-table="budget"]')).to_contain_text("2026-11-01")
    shot(page, "wp-admin-outcomes.png")
