"""A store that asks Amends to slow down gets each compensation once, when it asks for it.

Shopify meters an app's GraphQL calls with a leaky bucket and answers THROTTLED
(nothing ran) when a query costs more than is left: the sandbox does the same, on a
clock that only moves while the client waits, so a client that came back too soon
would be THROTTLED again. A WooCommerce store's host answers for WordPress when busy
(sandboxes/woocommerce/host.py): 429 with Retry-After, 503 with or without, 504
after PHP did the work, 403 from a WAF. The worker carries the compensations out
as it always does, and the store's ledger, read through its own API, holds one
effect per compensation.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from plugin import worker
from plugin.storage.models import CompensationRecord, OutboxEntry
from sandboxes.shopify import close_app, create_app
from sandboxes.woocommerce.host import Refusal
from tests import test_sandbox_shopify_harness as shopify_sandbox
from tests.test_compensation_crash import (
    ShopifyLedger,
    copies,
    decide_compensations,
    woocommerce_store,
)

OUTBOX_BACKOFF = timedelta(seconds=60)  # the first retry of an outbox row, by default


def statuses(runtime) -> list[tuple[str, str, int]]:
    """Return (compensation status, outbox status, attempts) of every compensation."""
    with runtime.database.reading() as session:
        found = session.execute(
            select(CompensationRecord.status, OutboxEntry.status, OutboxEntry.attempts)
            .join(OutboxEntry, OutboxEntry.idempotency_key == CompensationRecord.idempotency_key)
            .order_by(CompensationRecord.id)
        )
        return [tuple(row) for row in found]


def held_once(ledger: Any, intended: list) -> bool:
    """Tell whether the store holds exactly one effect of each intended compensation."""
    codes = ledger.codes()
    orders = ledger.orders(sorted({i.order_id for i in intended if i.code is None}))
    return [copies(i, codes, orders) for i in intended] == [1] * len(intended)


# --- Shopify: the calculated-cost bucket ------------------------------------------------


@dataclass
class Meter:
    """Put in front of the sandbox store: note each GraphQL request and whether it ran."""

    app: Any
    answers: list[tuple[bytes, bool]] = field(default_factory=list)  # (request, THROTTLED)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO", "").endswith("/graphql.json"):
            return self.app(environ, start_response)
        request = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(request)
        body = b"".join(self.app(environ, start_response))
        errors = json.loads(body).get("errors")
        codes = [
            (e.get("extensions") or {}).get("code") for e in errors or [] if isinstance(e, dict)
        ]
        self.answers.append((request, "THROTTLED" in codes))
        return [body]

    def throttled(self, answers: list[tuple[bytes, bool]]) -> list[int]:
        return [n for n, (_, throttled) in enumerate(answers) if throttled]


@contextmanager
def metered_shopify(**settings: Any) -> Iterator[tuple[shopify_sandbox.Sandbox, Meter]]:
    app = create_app(shopify_sandbox.DEFAULTS | settings)
    meter = Meter(app)
    try:
        with shopify_sandbox.serving(meter) as base:
            yield shopify_sandbox.Sandbox(base, app), meter
    finally:
        close_app(app)


def test_a_shopify_store_that_throttles_gets_every_action_once_after_the_wait_it_implies(
    runtime, make_shop
):
    # A bucket of 100 points restoring 10 a second, on a clock that moves only while
    # Amends waits: the 15 actions spend several buckets' worth.
    with metered_shopify(bucket_size=100.0, restore_rate=10.0) as (store, meter):
        connector = runtime.connectors["shopify"]
        connector.sleep, connector.clock = store.advance, store.clock.timestamp
        shop_id = make_shop("shopify", api_url=store.base, access_token=shopify_sandbox.TOKEN)
        ledger = ShopifyLedger(store, per_query=2)
        intended = decide_compensations(runtime, shop_id, ledger, 15)
        # Another of the merchant's tools on this app spends the bucket first.
        store.graphql("{ discountNodes(first: 20) { nodes { id } } }")
        before = len(meter.answers)

        worker.run_once(runtime)

        answers = meter.answers[before:]
        held = held_once(ledger, intended)
    throttled = meter.throttled(answers)
    assert throttled, "the store never said THROTTLED: the test shows nothing"
    # After each THROTTLED answer the same request came back once the bucket held
    # enough for it, and ran.
    for n in throttled:
        assert answers[n + 1] == (answers[n][0], False)
    assert statuses(runtime) == [("issued", "sent", 1)] * 15
    assert held


# --- WooCommerce: the host in front of WordPress ------------------------------------------


@pytest.fixture
def woo(runtime, make_shop) -> Iterator[tuple[int, Any, list[float]]]:
    """A sandbox store, its shop, and the waits the connector's clients asked for."""
    slept: list[float] = []
    runtime.connectors["woocommerce"].sleep = slept.append
    with woocommerce_store(runtime, make_shop) as (shop_id, ledger):
        yield shop_id, ledger, slept


def refuse(ledger: Any, *refusals: Refusal) -> None:
    ledger.sandbox.store.host.refuse(refusals)


def test_a_woocommerce_host_answering_429_is_asked_again_after_its_retry_after(runtime, woo):
    shop_id, ledger, slept = woo
    intended = decide_compensations(runtime, shop_id, ledger, 5)
    refuse(
        ledger, Refusal(429, retry_after=7), Refusal(503, method="GET"), Refusal(429, retry_after=3)
    )

    worker.run_once(runtime)

    # As each 429 asked; a read refused with 503 again after the backoff (none in tests).
    assert slept == [7.0, 3.0, 0.0]
    assert statuses(runtime) == [("issued", "sent", 1)] * 5
    assert held_once(ledger, intended)


def test_a_refund_and_a_note_whose_answer_was_lost_after_php_made_them_are_not_made_twice(
    runtime, woo, clock
):
    shop_id, ledger, slept = woo
    kinds = ("delivery_exception", "manual")  # a shipping refund, a gift note
    intended = decide_compensations(runtime, shop_id, ledger, 2, kinds)
    refuse(ledger, Refusal(504, after=True, method="POST"), Refusal(504, after=True, method="POST"))

    worker.run_once(runtime)
    assert statuses(runtime) == [("queued", "queued", 1)] * 2
    clock.advance(OUTBOX_BACKOFF)
    worker.run_once(runtime)

    assert statuses(runtime) == [("issued", "sent", 2)] * 2
    assert held_once(ledger, intended)
    assert slept == []  # a POST's outcome was unknown: the outbox looked before repeating it


def test_a_site_in_maintenance_is_called_again_only_when_its_retry_after_has_passed(
    runtime, woo, clock
):
    shop_id, ledger, slept = woo
    intended = decide_compensations(runtime, shop_id, ledger, 1)
    refuse(ledger, Refusal(503, retry_after=600))

    worker.run_once(runtime)
    clock.advance(timedelta(seconds=599))
    worker.run_once(runtime)
    assert (len(ledger.sandbox.store.host.given), ledger.codes()) == (1, {})
    clock.advance(timedelta(seconds=1))
    worker.run_once(runtime)

    assert slept == []  # ten minutes are the outbox's to wait, not a worker's to sleep
    assert statuses(runtime) == [("issued", "sent", 2)]
    assert held_once(ledger, intended)


def test_a_request_a_waf_blocks_fails_the_compensation_at_once_and_says_why(
    runtime, woo, clock, cli
):
    shop_id, ledger, slept = woo
    decide_compensations(runtime, shop_id, ledger, 1)
    refuse(ledger, Refusal(403))

    worker.run_once(runtime)
    clock.advance(timedelta(days=1))
    worker.run_once(runtime)

    assert (statuses(runtime), slept) == ([("failed", "failed", 1)], [])
    assert len(ledger.sandbox.store.host.given) == 1
    (incident,) = json.loads(cli("incidents", "list", "--json").stdout)
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    (failed,) = [e for e in shown["timeline"] if e["type"] == "compensation_failed"]
    assert "HTTP 403" in failed["detail"]["error"]
