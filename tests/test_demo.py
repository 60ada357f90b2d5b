"""`make demo`: two weeks of two shops, then Amends served as an operator runs it.

The demo is run as `make demo` runs it, as a script, ending at a fixed moment so the
story is the same on any date; `--once` stops it once everything answered.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from demo import scenario, wp_admin
from demo.choosing import LOST_PARCELS
from demo.wp_admin import WHAT as WP_ADMIN
from demo.wp_admin import incidents_shown
from sandboxes.wordpress.site import ADMIN_PASSWORD, ADMIN_USER, missing
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.processes import AMENDS

ROOT = Path(__file__).parent.parent
UNTIL = "2026-11-30T09:00:00+00:00"


def run_demo(instance: Path, *extra: str, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "demo" / "play.py"), "--instance", str(instance), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # The machine's PATH too: php and mariadb, for WordPress when they are there.
        env={"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "COLUMNS": "200"},
        **options,
    )


def test_without_wordpress_the_demo_says_in_one_line_what_to_install_and_goes_on(
    monkeypatch, capsys, tmp_path
):
    monkeypatch.setattr(wp_admin, "missing", lambda: "php-cli (PHP's command line)")

    with wp_admin.wp_admin(world=None, stack=None, amends_url="", folder=tmp_path) as places:
        assert places == {}

    said = capsys.readouterr().out
    assert said.count("\n") == 1
    assert "this machine lacks php-cli (PHP's command line)" in said
    assert "apt-get install php-cli php-mysql wordpress mariadb-server" in said
    assert list(tmp_path.iterdir()) == []


def incidents_of(instance: Path) -> list[dict]:
    env = {"PATH": os.environ["PATH"], "AMENDS_INSTANCE_PATH": str(instance)}
    listed = subprocess.run(
        [AMENDS, "incidents", "list", "--json"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(listed.stdout)


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> tuple[str, Path]:
    instance = tmp_path_factory.mktemp("demo")
    demo = run_demo(instance, "--once", "--until", UNTIL)
    stdout, stderr = demo.communicate(timeout=600)
    assert demo.returncode == 0, stderr
    return stdout, instance


@pytest.mark.slow
def test_the_story_opens_incidents_on_both_stores_and_resolves_what_cleared(played):
    _, instance = played
    # Once served, Amends lives on the real clock, past the story's end: only what the
    # story opened counts here, whatever today's date is.
    story = [i for i in incidents_of(instance) if i["created_at"] <= UNTIL]
    seen = Counter((i["platform"], i["kind"], i["status"]) for i in story)

    assert seen == {
        ("shopify", "delayed_shipment", "resolved"): 2,  # shipped late; the carrier caught up
        ("shopify", "delayed_shipment", "acknowledged"): 2,  # still waiting; held by the carrier
        ("shopify", "delivery_exception", "acknowledged"): 1,  # lost by the carrier
        ("shopify", "defective_item", "acknowledged"): 2,  # DEFECTIVE, and OTHER "llegó roto"
        ("woocommerce", "delayed_shipment", "resolved"): 1,
        ("woocommerce", "defective_item", "acknowledged"): 1,  # refunded "arrivata rotta"
    }


@pytest.mark.slow
def test_the_shops_compensate_through_their_stores_and_the_owner_approves_what_waited(played):
    stdout, instance = played
    env = {"PATH": os.environ["PATH"], "AMENDS_INSTANCE_PATH": str(instance)}
    listed = subprocess.run(
        [AMENDS, "compensations", "list", "--json"], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    given = Counter((c["shop"], c["kind"], c["status"]) for c in json.loads(listed.stdout))

    assert given[(1, "percent_coupon", "issued")] == 2  # the two broken items on Shopify
    assert given[(2, "percent_coupon", "issued")] == 1  # the broken mug on WooCommerce
    assert given[(1, "shipping_refund", "given_by_staff")] == 1  # refunded by hand, counted
    assert re.search(r"Ana approved compensation \d+ \(shipping refund", stdout)


def compensations_of(instance: Path) -> list[dict]:
    env = {"PATH": os.environ["PATH"], "AMENDS_INSTANCE_PATH": str(instance)}
    listed = subprocess.run(
        [AMENDS, "compensations", "list", "--json"], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(listed.stdout)


@pytest.mark.slow
def test_a_customer_chooses_on_her_page_and_the_store_gives_that_option_alone(played):
    stdout, instance = played
    offer = [c for c in compensations_of(instance) if c["rule"] == LOST_PARCELS["name"]]
    chosen = next(c for c in offer if c["status"] == "issued")

    assert sorted((c["option"], c["kind"], c["status"], c["chosen_by"]) for c in offer) == [
        (1, "percent_coupon", "not_chosen", None),
        (2, "free_shipping", "issued", "customer"),  # Anna's pick, not the default
    ]
    assert chosen["code"].startswith("SORRY-")
    assert chosen["platform_ref"].startswith("gid://shopify/DiscountCodeNode/")
    assert [c["code"] for c in offer if c["status"] == "not_chosen"] == [None]
    assert (
        f"Анна Смирнова chose free shipping on their page (option 2 of 2, incident "
        f"{chosen['incident']}): issued, the store holds exactly that one, code {chosen['code']}."
    ) in stdout


@pytest.mark.slow
def test_the_customers_hear_in_their_languages_and_everything_answers(played):
    stdout, _ = played
    languages = re.search(r"The customers received (\d+) messages: (.*)\.", stdout)

    assert languages is not None, stdout
    assert {part.split(" in ")[1] for part in languages[2].split(", ")} == {
        "de", "en", "es", "fr", "it", "ru",
    }  # fmt: skip
    assert "Where to look (each answers 200):" in stdout
    assert re.search(r"The customers' mailbox: http://127\.0\.0\.1:\d+/", stdout)
    assert "Amends is serving at http://127.0.0.1:" in stdout
    if missing() is not None:  # said in one line, and the demo carries on
        assert "The panel inside wp-admin is not shown: this machine lacks" in stdout


@pytest.mark.slow
def test_a_signal_to_its_process_group_stops_every_process_it_started(tmp_path):
    with run_demo(tmp_path, "--until", UNTIL, start_new_session=True) as demo:
        url, places = None, {}
        for line in demo.stdout:
            if found := re.search(r"Amends is serving at (http://\S+) ", line):
                url = found[1]
            if found := re.match(r"  (.+): (http://\S+)$", line):
                places[found[1]] = found[2]
            if "keeps serving until Ctrl-C" in line:
                break
        assert url is not None
        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
        children = _descendants(demo.pid)
        assert len(children) >= 3  # web, worker, scheduler
        if missing() is None:  # WordPress with the plugin, connected to the demo's Amends
            assert WP_ADMIN in places
            assert "/wp-admin/admin.php?page=amends" in places[WP_ADMIN]
            assert len(incidents_shown(places[WP_ADMIN])) >= 2  # Bottega Olivar's, read signed
        else:
            assert WP_ADMIN not in places
        if Path(CHROMIUM).exists():
            _screenshots(places)

        os.killpg(demo.pid, signal.SIGINT)  # as Ctrl-C does
        demo.communicate(timeout=60)

    time.sleep(0.5)
    assert [pid for pid in children if _alive(pid)] == []
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/healthz", timeout=2)


def _screenshots(places: dict[str, str]) -> None:
    """Look at the served demo in Chromium: the panel inside the admin, and the mail."""
    from playwright.sync_api import sync_playwright

    admin = next(url for what, url in places.items() if "Shopify admin" in what)
    mailbox = next(url for what, url in places.items() if "mailbox" in what)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(admin)
        panel = page.frame_locator("iframe")
        panel.locator("text=#2016").first.wait_for(timeout=60000)  # Camille's late order
        page.screenshot(path=str(SCREENSHOTS / "demo-panel-in-shopify-admin.png"))
        page.goto(mailbox)
        page.screenshot(path=str(SCREENSHOTS / "demo-mailbox.png"))
        page.locator("a", has_text="#2015").first.click()  # a message to Lucía
        page.set_viewport_size({"width": 1000, "height": 360})
        page.screenshot(path=str(SCREENSHOTS / "demo-message.png"))
        if WP_ADMIN in places:
            _wp_admin_screenshot(browser, places[WP_ADMIN])
        browser.close()


def _wp_admin_screenshot(browser, amends_page: str) -> None:
    """Log in to the demo's WordPress as its owner and look at the Amends page."""
    site = amends_page.split("/wp-admin/", 1)[0]
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{site}/wp-login.php")
    page.fill("#user_login", ADMIN_USER)
    page.fill("#user_pass", ADMIN_PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")
    page.goto(amends_page)
    page.locator("table.wp-list-table tbody tr").first.wait_for(timeout=60000)
    page.screenshot(path=str(SCREENSHOTS / "demo-panel-in-wp-admin.png"))


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        kids = [int(kid) for kid in children.read_text().split()] if children.exists() else []
        found += kids
        queue += kids
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


class RecordingWorld:
    """A world that only keeps the time the story moved it to."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.mailbox = SimpleNamespace(envelopes=[])

    def advance_to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)

    def deliver(self) -> None:
        pass


def test_the_story_leaves_the_stores_clock_at_its_end_never_past_it(monkeypatch):
    # The story ends now by default, and Amends then serves on the real clock: a store
    # ahead of it signs session tokens Amends refuses as not yet valid.
    start = datetime(2026, 11, 23, 2, 54, tzinfo=UTC)
    world = RecordingWorld(start)
    acted: list[datetime] = []
    monkeypatch.setattr(scenario.scheduler, "run_due", lambda runtime, now: None)
    monkeypatch.setattr(scenario.worker, "run_once", lambda runtime: 0)
    story = scenario.Story(world, start)
    story.on(scenario.DAYS, lambda: acted.append(world.now))  # the last moment of all

    scenario.play(story, runtime=None, report=lambda moment, mails: None)

    assert world.now == start + timedelta(days=scenario.DAYS)
    assert acted == [world.now]
