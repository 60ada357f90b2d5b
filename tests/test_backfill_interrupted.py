"""A backfill stopped halfway, by Ctrl-C or by a killed process, goes on from where it stopped.

The store answers three pages, then holds the fourth request: the `amends backfill`
process is stopped while it waits for that answer, as an operator's Ctrl-C or a
machine going down would stop it, always at the same page. Run again, it reads the
three pages left and ends with the report an uninterrupted run gives.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select

from plugin import worker
from plugin.clock import SYSTEM_CLOCK
from plugin.storage.models import BackfillCheckpoint
from sandboxes.shopify import close_app, create_app
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET
from tests.helpers import inbox_count
from tests.processes import AMENDS, amends_env
from tests.test_backfill import EXPECTED, ORDERS, SINCE, play_shopify_history, report
from tests.test_sandbox_shopify_harness import DEFAULTS, TOKEN, Sandbox, serving

SERVED = 3  # pages answered before the store holds the next request


class Gate:
    """Put in front of a store: answer `pages` API requests, then hold the next until opened."""

    def __init__(self, app: Any, pages: int) -> None:
        self.app, self.left = app, pages
        self.holding, self.opened = threading.Event(), threading.Event()
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if environ["PATH_INFO"].startswith("/admin/api/"):
            with self._lock:
                self.left -= 1
                held = self.left < 0
            if held:
                self.holding.set()
                self.opened.wait(30)
        return self.app(environ, start_response)


@contextmanager
def gated_store(pages: int) -> Iterator[tuple[Sandbox, Gate]]:
    app = create_app(DEFAULTS | {"shop_domain": SHOPIFY_DOMAIN, "api_secret": SHOPIFY_SECRET})
    gate = Gate(app, pages)
    try:
        with serving(gate) as base:
            yield Sandbox(base, app), gate
    finally:
        gate.opened.set()
        close_app(app)


@pytest.fixture
def store() -> Iterator[tuple[Sandbox, Gate]]:
    with gated_store(SERVED) as (sandbox, gate):
        play_shopify_history(sandbox)
        yield sandbox, gate


def checkpoint(runtime) -> tuple[int, int, bool]:
    with runtime.database.transaction() as session:
        kept = session.scalars(select(BackfillCheckpoint)).one()
        return kept.pages, kept.fetched, kept.completed_at is not None


def stop_halfway(tmp_path, settings: dict, shop_id: int, gate: Gate, how: int) -> tuple[int, str]:
    """Start `amends backfill`, stop it with signal `how` while its fourth page is held."""
    log_path = tmp_path / "backfill.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [AMENDS, "backfill", "--shop", str(shop_id), "--since", SINCE],
            env=amends_env(tmp_path, settings),
            stdout=log,
            stderr=log,
        )
    try:
        assert gate.holding.wait(60), log_path.read_text()
        process.send_signal(how)
        code = process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    gate.opened.set()
    return code, log_path.read_text()


@pytest.mark.slow
def test_ctrl_c_halfway_keeps_the_pages_read_and_says_how_to_go_on(
    store, make_shop, runtime, cli, tmp_path, settings_overrides
):
    sandbox, gate = store
    shop_id = make_shop("shopify", api_url=sandbox.base, access_token=TOKEN)

    code, said = stop_halfway(tmp_path, settings_overrides, shop_id, gate, signal.SIGINT)

    assert code == 130
    assert "interrupted, after 3 pages (6 orders kept); run the same command again" in said
    assert "Traceback" not in said
    assert checkpoint(runtime) == (SERVED, 2 * SERVED, False)
    assert inbox_count(runtime) == 2 * SERVED


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_a_backfill_stopped_halfway_ends_with_the_report_of_an_uninterrupted_one(
    store, make_shop, runtime, cli, tmp_path, settings_overrides, how
):
    sandbox, gate = store
    shop_id = make_shop("shopify", api_url=sandbox.base, access_token=TOKEN)
    stop_halfway(tmp_path, settings_overrides, shop_id, gate, how)

    resumed = cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    runtime.use_clock(SYSTEM_CLOCK)  # the killed process queued its pages at the real time
    worker.run_once(runtime)

    assert resumed.exit_code == 0, resumed.output
    assert f"{ORDERS} orders in 6 pages, {ORDERS} new to the inbox" in resumed.output
    assert checkpoint(runtime) == (6, ORDERS, True)
    assert inbox_count(runtime) == ORDERS
    assert report(cli, shop_id) == EXPECTED
