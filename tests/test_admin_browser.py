"""The panel in Debian's Chromium, framed the way Shopify's admin frames it.

The host page is served at https://admin.shopify.com/store/amends-demo/apps/amends
and the panel at https://amends.test, both through Playwright's request routing to
servers on loopback, so the panel's frame-ancestors policy is checked by the browser
as in production. The CDN scripts are answered with local stand-ins (no internet
here), or refused, to show the panel stays usable without them. Screenshots of each
page go to docs/screenshots/.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from plugin import worker
from plugin.storage import migrate
from plugin.storage.db import connect
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET
from tests.panel_helpers import bearer, session_token, waiting_compensation
from tests.report_helpers import script_november
from tests.test_compensation_shopify import discount
from tests.test_sandbox_shopify_harness import TOKEN, running_sandbox, serving

STAND_INS = Path(__file__).parent / "fixtures" / "browser"
ADMIN = "https://admin.shopify.com"
PANEL = "https://amends.test"
HOST_PAGE = f"{ADMIN}/store/amends-demo/apps/amends"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """The browser journeys run on SQLite only: what they show is the same on both."""
    url = f"sqlite:///{tmp_path / 'amends.sqlite3'}"
    database = connect(url)
    migrate.upgrade(database)
    database.dispose()
    return url


@pytest.fixture
def panel_server(app) -> Iterator[str]:
    with serving(app) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def host_html(token: str, locale: str) -> str:
    """The Shopify admin's page around an app: the App URL in an iframe."""
    src = (
        f"{PANEL}/admin?shop={SHOPIFY_DOMAIN}&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYW1lbmRz"
        f"&embedded=1&locale={locale}&id_token={token}"
    )
    return (
        "<!doctype html><html><head><title>Shopify admin</title></head>"
        '<body style="margin:0"><header style="height:48px;background:#1a1a1a;color:#fff">'
        "Shopify admin</header>"
        f'<iframe name="app-iframe" title="Amends" src="{src}" '
        'style="width:100%;height:calc(100vh - 52px);border:0"></iframe></body></html>'
    )


def open_admin(browser, panel_server, *, cdn: str = "stand-ins", locale: str = "en", **options):
    """Open the host page in a new browser page whose requests are routed to loopback."""
    page = browser.new_page(**options)

    def to_panel(route):
        # The redirect after a form is followed here: Chromium does not follow a 3xx
        # that a route fulfils for a frame.
        path = route.request.url.removeprefix(PANEL)
        route.fulfill(response=route.fetch(url=f"{panel_server}{path}"))

    def to_admin(route):
        if urlsplit(route.request.url).path == "/_test/id-token":
            route.fulfill(body=session_token(), content_type="text/plain")
        else:
            route.fulfill(body=host_html(session_token(), locale), content_type="text/html")

    def to_cdn(route):
        name = urlsplit(route.request.url).path.rsplit("/", 1)[-1]
        if cdn == "down":
            route.abort("internetdisconnected")
        else:
            route.fulfill(path=STAND_INS / name, content_type="text/javascript")

    page.route(f"{PANEL}/**", to_panel)
    page.route(f"{ADMIN}/**", to_admin)
    page.route("https://cdn.shopify.com/**", to_cdn)
    page.goto(HOST_PAGE)
    return page


def shot(frame_or_page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    frame_or_page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_inbox_to_incident_note_and_resolve_inside_the_admin(
    browser, panel_server, client, shopify_shop, make_incident
):
    incident_id = make_incident(shopify_shop, order="1001", email="ana@example.com")
    make_incident(shopify_shop, order="1002", kind="defective_item", email="luis@example.com")
    page = open_admin(browser, panel_server, viewport={"width": 1280, "height": 900})
    panel = page.frame_locator('iframe[name="app-iframe"]')

    panel.get_by_role("link", name="#1001").wait_for()
    assert page.frame(name="app-iframe").evaluate("window.shopify.config.apiKey") == "test-api-key"
    shot(page, "inbox-embedded")

    panel.get_by_role("link", name="#1001").click()
    panel.get_by_label("Note for the team (the customer does not see it)").fill(
        "Carrier confirms delivery on Monday"
    )
    shot(page, "incident-embedded")
    panel.get_by_role("button", name="Add note").click()
    panel.get_by_text("Note added.").wait_for()
    app_frame = page.frame(name="app-iframe")
    app_frame.wait_for_function("(window.__appBridgeToasts || []).length > 0")  # panel.js ran
    toasts = app_frame.evaluate("window.__appBridgeToasts")
    assert toasts == ["Note added."]
    panel.get_by_role("button", name="Resolve").click()
    panel.get_by_text("Incident resolved.").wait_for()
    shot(page, "incident-resolved-embedded")

    shown = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    assert shown["status"] == "resolved"
    notes = [e["detail"]["text"] for e in shown["timeline"] if e["type"] == "note_added"]
    assert notes == ["Carrier confirms delivery on Monday"]
    assert {
        e["actor"] for e in shown["timeline"] if e["type"] in ("note_added", "status_changed")
    } == {"staff:shopify-user-42"}


@pytest.fixture
def shopify_store(runtime) -> Iterator[object]:
    """A sandbox Shopify store on loopback, the one Amends' Shopify connector calls."""
    with running_sandbox(shop_domain=SHOPIFY_DOMAIN, api_secret=SHOPIFY_SECRET) as sandbox:
        runtime.settings = dataclasses.replace(runtime.settings, shopify_admin_url=sandbox.base)
        runtime.connectors["shopify"].app = dataclasses.replace(
            runtime.connectors["shopify"].app, admin_url=sandbox.base
        )
        yield sandbox


def test_inbox_to_incident_to_an_approved_discount_code_in_the_store(
    browser, panel_server, client, runtime, make_shop, shopify_store
):
    shop = make_shop("shopify", api_url=shopify_store.base, access_token=TOKEN)
    incident_id, compensation_id = waiting_compensation(runtime, shop, order_id="5001")
    page = open_admin(browser, panel_server, viewport={"width": 1280, "height": 900})
    panel = page.frame_locator('iframe[name="app-iframe"]')

    panel.get_by_role("link", name="#5001").click()
    panel.get_by_text("Waiting for approval").wait_for()
    shot(page, "incident-approval-embedded")
    panel.get_by_role("button", name=f"Approve compensation {compensation_id}").click()
    panel.get_by_text("Compensation approved.").wait_for()
    worker.run_once(runtime)
    page.reload()  # the admin loads the app again, at the inbox
    panel.get_by_role("link", name="#5001").click()
    panel.get_by_text("Issued", exact=True).wait_for()
    shot(page, "incident-approved-embedded")

    shown = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    (given,) = shown["compensations"]
    assert (given["status"], given["approved_by"]) == ("issued", "staff:shopify-user-42")
    node = discount(shopify_store, given["code"])
    assert node["id"] == given["platform_ref"]
    assert node["codeDiscount"]["usageLimit"] == 1


def test_denying_from_the_approvals_page_when_the_nav_stays_in_the_frame(
    browser, panel_server, client, runtime, shopify_shop
):
    _, compensation_id = waiting_compensation(runtime, shopify_shop, order_id="5001")
    # Without Shopify's CDN the nav menu stays in the panel (with it, the admin shows it).
    page = open_admin(browser, panel_server, cdn="down", viewport={"width": 1280, "height": 900})
    panel = page.frame_locator('iframe[name="app-iframe"]')

    panel.get_by_role("link", name="Approvals").click()
    panel.get_by_label("Reason for denying (optional)").fill("Gift sent by hand")
    shot(page, "approvals-no-cdn")
    panel.get_by_role("button", name=f"Deny compensation {compensation_id}").click()
    panel.get_by_text("Compensation denied.").wait_for()

    (denied,) = client.get("/admin/api/compensations", headers=bearer()).json
    assert (denied["status"], denied["denied_by"]) == ("denied", "staff:shopify-user-42")


def test_the_panel_works_when_shopifys_cdn_cannot_be_reached(
    browser, panel_server, client, shopify_shop, make_incident
):
    incident_id = make_incident(shopify_shop, order="1001")
    page = open_admin(
        browser, panel_server, cdn="down", locale="es", viewport={"width": 390, "height": 844}
    )
    panel = page.frame_locator('iframe[name="app-iframe"]')

    panel.get_by_role("link", name="#1001").click()
    panel.get_by_label("Nota para el equipo (el cliente no la ve)").fill("Sin CDN")
    panel.get_by_role("button", name="Añadir nota").click()
    panel.get_by_text("Nota añadida.").wait_for()
    shot(page, "incident-phone-no-cdn-es")

    shown = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    assert shown["timeline"][-1]["detail"] == {"text": "Sin CDN"}


def test_the_panel_cannot_be_framed_by_another_site(browser, panel_server, shopify_shop):
    page = browser.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))

    def to_panel(route):
        path = route.request.url.removeprefix(PANEL)
        route.fulfill(response=route.fetch(url=f"{panel_server}{path}"))

    page.route(f"{PANEL}/**", to_panel)
    page.route(
        "https://evil.test/**",
        lambda route: route.fulfill(
            body=host_html(session_token(), "en").replace('name="app-iframe"', 'name="x"'),
            content_type="text/html",
        ),
    )
    page.route("https://cdn.shopify.com/**", lambda route: route.abort())
    page.goto("https://evil.test/")
    page.wait_for_timeout(500)

    frame = page.frame(name="x")
    assert frame is None or "Incidents" not in (frame.content() or "")
    assert any("frame-ancestors" in text for text in blocked)


def test_the_standalone_panel_on_a_phone(browser, panel_server, cli, shopify_shop, make_incident):
    make_incident(shopify_shop, order="1001")
    password = "correct horse battery"
    assert (
        cli("users", "add", "ops@lumen.example", input=f"{password}\n{password}\n").exit_code == 0
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    elsewhere = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(panel_server) else elsewhere.append(request),
    )

    page.goto(f"{panel_server}/admin")
    page.get_by_label("E-mail address").fill("ops@lumen.example")
    page.get_by_label("Password").fill(password)
    shot(page, "login-phone")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Work on this shop").click()
    page.get_by_role("link", name="#1001").wait_for()
    shot(page, "inbox-phone-standalone")

    assert re.search(r"/admin$", page.url)
    assert [request.url for request in elsewhere] == []


TEMPLATE_API = "/admin/api/templates/delayed_shipment/update/en"


def test_the_preview_follows_the_draft_and_a_good_draft_is_saved(
    browser, panel_server, client, shopify_shop, make_incident
):
    make_incident(shopify_shop, order="1001")
    errors = []
    page = open_admin(browser, panel_server, viewport={"width": 1280, "height": 1000})
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    panel = page.frame_locator('iframe[name="app-iframe"]')
    panel.locator("main h1").wait_for(state="attached")  # the inbox is in the frame
    app = page.frame(name="app-iframe")
    app.goto(app.url.replace("/admin?", "/admin/templates?", 1))  # the nav lives in the host
    panel.get_by_role("link", name="Delayed shipment · Progress update · English").click()
    panel.get_by_label("Subject").wait_for()

    panel.get_by_label("Subject").fill(
        "Still on it: {{ order_name }} for {{ customer_first_name }}"
    )
    panel.locator("#preview-subject").filter(has_text="Still on it: #1001").wait_for()
    html = panel.frame_locator("#preview-html")
    html.get_by_text("where things stand with your order #1001", exact=False).wait_for(
        state="attached"
    )

    panel.get_by_label("Text", exact=True).fill("Hello,\n\nWe are on it.")
    panel.locator("#text-error").get_by_text(
        "Name the order: write {{ order_name }} in it."
    ).wait_for()
    shot(page, "template-editor-embedded")
    assert (
        client.get(TEMPLATE_API, headers=bearer()).json["customised"] is False
    )  # a preview keeps nothing

    panel.get_by_label("Text", exact=True).fill(
        "Hello,\n\nYour order {{ order_name }} is on its way.\n\nMore by {{ next_update }}."
    )
    panel.locator("#preview-text").filter(has_text="Your order #1001 is on its way.").wait_for()
    assert panel.locator("#text-error").count() == 0
    panel.get_by_role("button", name="Save").click()
    panel.get_by_text("Message saved.").wait_for()

    saved = client.get(TEMPLATE_API, headers=bearer()).json["override"]
    assert saved["subject"] == "Still on it: {{ order_name }} for {{ customer_first_name }}"
    assert saved["text"].startswith("Hello,\n\nYour order {{ order_name }} is on its way.")
    assert not [text for text in errors if "Content Security Policy" in text]


def test_the_returns_report_inside_the_admin_with_its_charts_and_a_csv_download(
    browser, panel_server, runtime, make_shop
):
    script_november(runtime, make_shop, a_domain=SHOPIFY_DOMAIN)
    # Without Shopify's CDN the nav menu stays in the panel (with it, the admin shows it).
    page = open_admin(browser, panel_server, cdn="down", viewport={"width": 1280, "height": 900})
    panel = page.frame_locator('iframe[name="app-iframe"]')

    panel.get_by_role("link", name="Returns").click()
    panel.get_by_role("heading", name="Reasons over time").wait_for()
    trend = panel.get_by_role("img", name="Returned units per reason, each week")
    assert trend.is_visible()
    description = trend.locator("desc").text_content()
    assert description.startswith("8 units returned from Oct 25, 2026 to Nov 23, 2026")
    shot(page, "returns-embedded")
    panel.get_by_label("Group by").select_option("sku")  # panel.js submits the form
    panel.get_by_role("columnheader", name="SKU").first.wait_for()
    top = panel.get_by_role("img", name="Products most returned as defective")
    assert top.locator("rect title").first.text_content() == "Mug: 6"
    with page.expect_download() as downloading:
        panel.get_by_role("link", name="Download CSV").nth(1).click()
    download = downloading.value
    assert download.suggested_filename == "amends-returns-by-sku-2026-10-25-to-2026-11-23.csv"
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0].startswith("shop,platform,reason,product_id,sku,title,returned_units")
    assert ",defective,P1,MUG-1,Mug,6,10,0.6," in lines[1]
    shot(page, "returns-by-sku-embedded")

    panel.get_by_role("link", name="Outcomes").click()
    panel.get_by_role("heading", name="Against the monthly budget").wait_for()
    shot(page, "outcomes-embedded")

    phone = open_admin(browser, panel_server, cdn="down", viewport={"width": 390, "height": 844})
    on_phone = phone.frame_locator('iframe[name="app-iframe"]')
    on_phone.get_by_role("link", name="Returns").click()
    on_phone.get_by_role("img", name="Products most returned as defective").wait_for()
    shot(phone, "returns-phone")
