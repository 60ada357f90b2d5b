"""A real `amends worker`, killed with SIGKILL at random moments while it compensates.

Three hundred incidents wait on each platform, each with one compensation decided and
its outbox row queued: percent and fixed-amount coupons, free-shipping codes,
shipping refunds and gift notes. The worker is killed again and again, wherever it
is (claiming a row, in the middle of a call to the store, recording the answer), and
restarted until every row is done. Then the store's own ledger, read through the
platform's API the way a merchant's tooling reads it (Shopify: discount codes by
listing, an order's refunds and note; WooCommerce: coupons, an order's refunds and
notes), holds exactly one effect for each intended action: none missing, none doubled.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from plugin.clock import FixedClock
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.dispatch import handle_event
from plugin.events import OrderChanged
from plugin.incidents.staff import open_by_hand
from plugin.platforms import own_write_tag
from plugin.storage.db import connect
from plugin.storage.models import CompensationRecord, Incident, OutboxEntry
from tests import test_sandbox_shopify_harness as shopify_sandbox
from tests import test_sandbox_woocommerce_helpers as woo_sandbox
from tests.processes import kill_at_random_until_done
from tests.test_care_woocommerce import ITALIAN_ORDER
from tests.test_outbox_crash import EARLY

INCIDENTS = 300
KILLS = 6
SEED = 18
# What each incident kind earns, and whether its action needs an order in the store.
EARNS = {
    "defective_item": {"kind": "percent_coupon", "percent": "10"},
    "wrong_item": {"kind": "fixed_coupon", "amount": "5"},
    "not_as_described": {"kind": "free_shipping"},
    "delivery_exception": {"kind": "shipping_refund"},
    "manual": {"kind": "gift", "description": "a mug of the new collection"},
}
ON_AN_ORDER = frozenset({"shipping_refund", "gift"})
# Generous and uncapped: every incident earns its compensation at once.
POLICY = {
    "rules": [
        {"name": kind.replace("_", " "), "when": {"kinds": [kind]}, "grant": grant}
        for kind, grant in EARNS.items()
    ]
}
PAID = datetime(2020, 1, 2, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Intended:
    """One compensation as decided: what the store should hold once, and where."""

    kind: str
    key: str
    code: str | None
    order_id: str


class ShopifyLedger:
    """A sandbox Shopify store: orders placed through its control API, read through GraphQL."""

    def __init__(self, sandbox: shopify_sandbox.Sandbox, per_query: int = 25) -> None:
        self.sandbox = sandbox
        self.per_query = per_query  # what a query reads at most: its cost must fit the bucket
        self.fixture = json.loads((shopify_sandbox.FIXTURES / "order_5001.json").read_text())
        self.ids = itertools.count(40_000_001)

    def place_order(self, number: int) -> str:
        order = copy.deepcopy(self.fixture)
        order.update(id=next(self.ids), order_number=5000 + number, name=f"#{5000 + number}")
        for item in (*order["line_items"], *order["shipping_lines"], *order["transactions"]):
            item["id"] = next(self.ids)
        return str(self.sandbox.post("/orders", order)["order"]["id"])

    def codes(self) -> Counter:
        codes: Counter = Counter()
        after = None
        while True:
            page = self._query(
                "query($after: String, $first: Int!) { "
                "discountNodes(first: $first, after: $after) { "
                "pageInfo { hasNextPage endCursor } nodes { discount { "
                "... on DiscountCodeBasic { codes(first: 1) { nodes { code } } } "
                "... on DiscountCodeFreeShipping { codes(first: 1) { nodes { code } } } } } } }",
                {"after": after, "first": 4 * self.per_query},
            )["discountNodes"]
            for node in page["nodes"]:
                codes.update(c["code"] for c in node["discount"]["codes"]["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                return codes
            after = page["pageInfo"]["endCursor"]

    def orders(self, order_ids: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        """Return each order's refund notes and its note's lines, several orders a query."""
        found = {}
        for start in range(0, len(order_ids), self.per_query):
            chunk = order_ids[start : start + self.per_query]
            selections = " ".join(
                f'o{n}: order(id: "gid://shopify/Order/{order_id}") '
                "{ note refunds(first: 10) { note } }"
                for n, order_id in enumerate(chunk)
            )
            data = self._query(f"{{ {selections} }}")
            for n, order_id in enumerate(chunk):
                order = data[f"o{n}"]
                notes = [r["note"] or "" for r in order["refunds"]]
                found[order_id] = (notes, (order["note"] or "").splitlines())
        return found

    def _query(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        """Run a read, waiting (moving the store's clock) while the bucket cannot pay for it."""
        for _ in range(20):
            answer = self.sandbox.graphql(query, variables)
            cost = answer.get("extensions", {}).get("cost", {})
            if answer.get("errors") and cost.get("actualQueryCost") is None and cost:
                status = cost["throttleStatus"]
                missing = cost["requestedQueryCost"] - status["currentlyAvailable"]
                self.sandbox.advance(max(missing, 1) / status["restoreRate"])
                continue
            assert "errors" not in answer, answer
            return answer["data"]
        raise AssertionError(f"still THROTTLED after 20 waits: {query}")


class WooLedger:
    """A sandbox WooCommerce store: orders placed and read through its REST API."""

    def __init__(self, sandbox: woo_sandbox.Sandbox) -> None:
        self.sandbox = sandbox

    def place_order(self, number: int) -> str:
        # Paid by card, whose gateway refunds: the refund moves money, once.
        order = ITALIAN_ORDER | {
            "set_paid": True,
            "payment_method": "stripe",
            "payment_method_title": "Carta di credito",
        }
        response = self.sandbox.api.post("orders", order)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def codes(self) -> Counter:
        codes: Counter = Counter()
        for page in itertools.count(1):
            response = self.sandbox.api.get("coupons", params={"per_page": 100, "page": page})
            assert response.status_code == 200, response.text
            codes.update(coupon["code"].upper() for coupon in response.json())
            if page >= int(response.headers["X-WP-TotalPages"]):
                return codes
        raise AssertionError("unreachable")

    def orders(self, order_ids: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        found = {}
        for order_id in order_ids:
            refunds = self.sandbox.api.get(f"orders/{order_id}/refunds").json()
            notes = self.sandbox.api.get(f"orders/{order_id}/notes").json()
            found[order_id] = ([r["reason"] for r in refunds], [n["note"] for n in notes])
        return found


@contextmanager
def shopify_store(runtime, make_shop) -> Iterator[tuple[int, ShopifyLedger]]:
    # A Plus shop's bucket (restoring 1000 points a second), on real time: the worker
    # waits for it as for any store, without making the test slow.
    with shopify_sandbox.running_sandbox(
        time_scale=1.0, bucket_size=10_000.0, restore_rate=1000.0
    ) as sandbox:
        shop_id = make_shop("shopify", api_url=sandbox.base, access_token=shopify_sandbox.TOKEN)
        yield shop_id, ShopifyLedger(sandbox)


@contextmanager
def woocommerce_store(runtime, make_shop) -> Iterator[tuple[int, WooLedger]]:
    with woo_sandbox.running_sandbox() as sandbox:
        shop_id = make_shop(
            "woocommerce",
            domain=sandbox.url + "/",
            consumer_key=woo_sandbox.CONSUMER_KEY,
            consumer_secret=woo_sandbox.CONSUMER_SECRET,
        )
        yield shop_id, WooLedger(sandbox)


STORES: dict[str, Callable[..., Any]] = {
    "shopify": shopify_store,
    "woocommerce": woocommerce_store,
}


def decide_compensations(
    runtime, shop_id: int, ledger: Any, count: int, kinds: Sequence[str] = tuple(EARNS)
) -> list[Intended]:
    """Open `count` incidents of `kinds` in turn, one per order and customer, each earning one."""
    with runtime.database.transaction() as session:
        save_policy(session, shop_id, read_policy(POLICY))
    orders = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        on_order = EARNS[kind]["kind"] in ON_AN_ORDER
        orders.append((ledger.place_order(number) if on_order else str(900_000 + number), kind))
    with runtime.database.transaction() as session:  # one commit: quick on both databases
        for number, (order_id, kind) in enumerate(orders):
            handle_event(session, shop_id, paid_order(order_id, number))
            open_by_hand(session, shop_id, order_id, kind)
    with runtime.database.reading() as session:
        decided = session.execute(
            select(CompensationRecord, Incident.platform_order_id)
            .join(Incident, Incident.id == CompensationRecord.incident_id)
            .order_by(CompensationRecord.id)
        ).all()
        return [
            Intended(row.kind, row.idempotency_key, row.code, order_id) for row, order_id in decided
        ]


def paid_order(order_id: str, number: int) -> OrderChanged:
    return OrderChanged(
        order_id=order_id,
        updated_at=PAID,
        name=f"#{order_id}",
        financial_status="paid",
        customer_email=f"cliente{number}@example.es",
        customer_locale="es",
        currency="EUR",
        total_price="53.80",
        paid_at=PAID,
        shipping_total="4.90",
    )


def copies(intended: Intended, codes: Counter, orders: dict) -> int:
    """Return how many copies of what `intended` makes the store's ledger holds."""
    if intended.code is not None:
        return codes[intended.code.upper()]
    refund_notes, order_notes = orders[intended.order_id]
    tag = own_write_tag(intended.key)
    held = refund_notes if intended.kind == "shipping_refund" else order_notes
    return sum(text.count(tag) for text in held)


class Progress:
    """What the worker has committed of the compensations, read from its database."""

    def __init__(self, database) -> None:  # noqa: ANN001
        self.database = database

    def sent(self) -> int:
        with self.database.reading() as session:
            return session.scalar(
                select(func.count()).where(
                    OutboxEntry.kind == "compensation", OutboxEntry.status == "sent"
                )
            )


@pytest.mark.slow
@pytest.mark.parametrize("platform", list(STORES))
def test_a_worker_killed_at_random_moments_leaves_exactly_one_effect_per_compensation(
    platform, runtime, make_shop, settings_overrides, tmp_path, capsys
):
    runtime.use_clock(FixedClock(EARLY))  # decided long before the worker's real "now"
    with STORES[platform](runtime, make_shop) as (shop_id, ledger):
        intended = decide_compensations(runtime, shop_id, ledger, INCIDENTS)
        database = connect(settings_overrides["database_url"])
        try:
            progress = Progress(database)
            kills = kill_at_random_until_done(
                tmp_path,
                settings_overrides,
                progress.sent,
                lambda: progress.sent() == len(intended),
                kills=KILLS,
                seed=SEED,
                longest_pause=0.4,
                finishing="every compensation is done",
                last_seconds=110,
            )
            with database.reading() as session:
                records = Counter(session.scalars(select(CompensationRecord.status)))
                interrupted = session.scalar(
                    select(func.count()).where(
                        OutboxEntry.kind == "compensation", OutboxEntry.attempts > 1
                    )
                )
        finally:
            database.dispose()
        codes = ledger.codes()
        orders = ledger.orders(sorted({i.order_id for i in intended if i.code is None}))

    with capsys.disabled():
        print(
            f"\n{platform}: {len(intended)} compensations, worker killed {len(kills)} times, "
            f"{interrupted} of them in the middle of an action"
        )
    assert Counter(i.kind for i in intended) == Counter(
        {grant["kind"]: INCIDENTS // len(EARNS) for grant in EARNS.values()}
    )
    # Killed while at work: after some rows were done and before the last.
    assert len(kills) == KILLS, kills
    assert all(0 < done < len(intended) for done in kills), kills
    assert interrupted >= 1  # a kill landed while the store was being asked
    assert records == Counter({"issued": len(intended)})
    held = Counter(copies(i, codes, orders) for i in intended)
    assert held == Counter({1: len(intended)}), "copies in the store: count of compensations"
    assert sum(codes.values()) == sum(i.code is not None for i in intended)
