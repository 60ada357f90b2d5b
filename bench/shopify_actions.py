"""Benchmark Amends' Shopify compensation actions against Shopify's cost bucket.

What runs: the sandbox Shopify (sandboxes/shopify) on a loopback port, in
real time, with the calculated-cost bucket of Shopify's Standard plan (2000 points,
restoring 100 per second; `--bucket` and `--restore` change them). One order is
placed per shipping refund and per note (the fixture order 5001 with its own ids):
a shipping refund can be made once per order, and add_note rewrites the whole note,
so two notes on one order at the same time would lose one (not what is measured here).
Then `--actions` (500) compensation rows are queued in Amends' outbox (a throw-away
SQLite database, one shop pointing at the sandbox) and `--threads` (4) threads
each run the worker's outbox runner (plugin.worker.outbox_runner) until none is
due: each claims a row, carries it out through the Shopify connector's actions role
(the connector's one client for the shop, shared by the threads) and records the
answer, as `amends worker` does. The mix: 40 % discount codes (percent and fixed
amount), 20 % free-shipping codes, 20 % shipping refunds, 20 % order notes, each
with a deterministic code or idempotency key. Then every row is put back in the
queue and carried out once more, as after a crash that recorded nothing (the
"repeat" pass), and GraphQL reads check what the store holds.

What is measured, per pass:

- actions/s: actions finished / seconds from the first call to the last answer.
- points/s: points the bucket was charged (the sum of `actualQueryCost` in the
  sandbox's answers, read by a WSGI wrapper around it) / seconds.
- ceiling pts/s: the most the bucket could have given in those seconds, i.e. the
  points in it when the pass started + restore rate x seconds, / seconds.
- share: points spent / that ceiling. 100 % means the client never let a restored
  point go unused; what is missing was still in the bucket at the end, or was lost
  while the bucket sat full. Target >= 90 % for the first pass; the repeat pass is
  shown for what a replay costs, not judged. Points a client leaves in the bucket
  while it over-waits are not lost until the bucket is full, so a client can meet
  this share and still fail actions: read "failed" too. The initial bucket is part
  of the ceiling; the line below the table says how big a part (the 500 default
  actions spend about 7,800 points, so about a quarter).

Below the table: HTTP requests, THROTTLED answers (nothing ran, nothing charged),
the client's own bucket waits and its retry sleeps (from its log records and its
`sleep`), and the mean time the sandbox took to answer. Read them to see why a
share is low: a client that sleeps longer than the bucket needs leaves points in
it; one that guesses too short gets THROTTLED answers and retries.

Correctness, checked by GraphQL reads after both passes: each code exists once (the
discounts listed == the distinct codes), each refund key is on one refund, each note
key is on one line of its order's note. "duplicated" counts the extra copies
(target 0), "failed" the actions that raised in either pass (target 0), "missing"
what the store lacks after both passes (an action that failed twice).

Nothing is asserted: the script exits 0 and prints "target missed" beside each
target it misses, and records its figures in bench/results.json under
"shopify_actions" (bench/benchkit.py). Run it with
`.venv/bin/python bench/shopify_actions.py` (about two minutes with the defaults).
"""

from __future__ import annotations

import argparse
import copy
import io
import itertools
import json
import logging
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import benchkit
from sqlalchemy import update
from werkzeug.serving import make_server

from connectors.shopify import actions
from connectors.shopify.client import ShopifyClient
from plugin import worker
from plugin.compensation.actions import ADD_NOTE, ISSUE_COUPON, REFUND_SHIPPING
from plugin.outbox import COMPENSATION, QUEUED
from plugin.outbox.store import enqueue
from plugin.platforms import ActionResult, CouponSpec, NoteSpec, ShippingRefundSpec, own_write_tag
from plugin.runtime import Runtime, build_runtime
from plugin.shops import add_shop
from plugin.storage import migrate
from plugin.storage.models import OutboxEntry
from sandboxes.shopify import close_app, create_app

ROOT = Path(__file__).resolve().parent.parent
ORDER_FIXTURE = ROOT / "tests" / "fixtures" / "shopify" / "sandbox" / "order_5001.json"
SHOP = "amends-bench.myshopify.com"
TOKEN = "shpat_" + "0123456789abcdef" * 2  # shaped as Shopify issues them: 32 hex
CUSTOMER_ID = "7001"  # the fixture's customer, on every bench order
FIRST_ID = 20_000_001  # ids of the bench orders, their lines and transactions
TARGET_SHARE = 0.90
CLIENT_LOGGER = "amends.connectors.shopify"

# Five slots, repeated: 2/5 discount codes, 1/5 free shipping, 1/5 refunds, 1/5 notes.
MIX = ("percent", "fixed_amount", "free_shipping", "refund", "note")
NEEDS_ORDER = frozenset({"refund", "note"})

DISCOUNTS_QUERY = """
query BenchDiscounts($after: String) {
  discountNodes(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      discount {
        ... on DiscountCodeBasic { codes(first: 1) { nodes { code } } }
        ... on DiscountCodeFreeShipping { codes(first: 1) { nodes { code } } }
      }
    }
  }
}
"""
ORDERS_PER_QUERY = 25
OPERATION_NAME = re.compile(rb"\b(?:query|mutation)\s+(\w+)")


# --- what the sandbox and the client report ------------------------------------------


@dataclass
class Counts:
    """Running totals; a pass reads them before and after and keeps the difference."""

    requests: int = 0
    throttled: int = 0
    throttled_by_operation: Counter = field(default_factory=Counter)
    requested_points: float = 0.0
    actual_points: float = 0.0
    answer_seconds: float = 0.0
    bucket_waits: int = 0
    bucket_wait_seconds: float = 0.0
    retries: int = 0
    sleep_seconds: float = 0.0

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )


class Recorder:
    """Collects Counts from the sandbox wrapper, the client's log and its sleep."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = Counts()
        self._status: dict[str, float] | None = None
        self._status_at = 0.0

    def add(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self._counts, name, getattr(self._counts, name) + amount)

    def throttled(self, operation: str) -> None:
        with self._lock:
            self._counts.throttled += 1
            self._counts.throttled_by_operation[operation] += 1

    def snapshot(self) -> Counts:
        with self._lock:
            counts = self._counts
            return replace(counts, throttled_by_operation=Counter(counts.throttled_by_operation))

    def saw_status(self, status: dict[str, float]) -> None:
        with self._lock:
            self._status, self._status_at = status, time.monotonic()

    def bucket_level(self, default: float) -> float:
        """Return the points in the bucket now, from the last throttleStatus seen."""
        with self._lock:
            if self._status is None:
                return default
            restored = (time.monotonic() - self._status_at) * self._status["restoreRate"]
            return min(
                self._status["maximumAvailable"], self._status["currentlyAvailable"] + restored
            )


class CostMeter:
    """WSGI wrapper around the sandbox: reads `extensions.cost` of every GraphQL answer."""

    def __init__(self, app: Callable, recorder: Recorder) -> None:
        self.app, self.recorder = app, recorder

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        if not environ.get("PATH_INFO", "").endswith("/graphql.json"):
            return self.app(environ, start_response)
        request = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(request)
        started = time.perf_counter()
        answer = self.app(environ, start_response)
        try:
            body = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        self._read(request, body, time.perf_counter() - started)
        return [body]

    def _read(self, request: bytes, body: bytes, seconds: float) -> None:
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        cost = (answer.get("extensions") or {}).get("cost") or {}
        errors = answer.get("errors") if isinstance(answer.get("errors"), list) else []
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
            name = OPERATION_NAME.search(request)
            self.recorder.throttled(name.group(1).decode() if name else "(anonymous)")
        actual = cost.get("actualQueryCost")
        ran = actual is not None  # a THROTTLED query did not run and was not charged
        self.recorder.add(
            requests=1,
            requested_points=(cost.get("requestedQueryCost") or 0) if ran else 0,
            actual_points=actual or 0,
            answer_seconds=seconds,
        )
        if cost.get("throttleStatus"):
            self.recorder.saw_status(cost["throttleStatus"])


class ClientLog(logging.Handler):
    """Counts the ShopifyClient's bucket waits and retries from its log records."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(logging.INFO)
        self.recorder = recorder

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "connectors.shopify.bucket-wait":
            self.recorder.add(bucket_waits=1, bucket_wait_seconds=getattr(record, "wait", 0.0))
        elif record.getMessage() == "connectors.shopify.retry":
            self.recorder.add(retries=1)


def recording_sleep(recorder: Recorder) -> Callable[[float], None]:
    """Return the client's `sleep`: a real sleep whose length is recorded."""

    def sleep(seconds: float) -> None:
        recorder.add(sleep_seconds=seconds)
        time.sleep(seconds)

    return sleep


# --- the sandbox store ---------------------------------------------------------------


@contextmanager
def running_sandbox(bucket: float, restore: float, recorder: Recorder) -> Iterator[tuple]:
    """Serve a real-time sandbox store on loopback; yield (app, base URL)."""
    app = create_app(
        {
            "shop_domain": SHOP,
            "api_secret": "bench-secret",
            "access_token": TOKEN,
            "bucket_size": bucket,
            "restore_rate": restore,
            "time_scale": 1.0,
        }
    )
    server = make_server("127.0.0.1", 0, CostMeter(app, recorder), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        close_app(app)


def order_body(fixture: dict[str, Any], number: int, ids: Iterator[int]) -> dict[str, Any]:
    """Return the fixture order with its own id, name, number, line and transaction ids."""
    order = copy.deepcopy(fixture)
    order.update(id=next(ids), order_number=number, name=f"#{number}")
    for item in (*order["line_items"], *order["shipping_lines"], *order["transactions"]):
        item["id"] = next(ids)
    return order


def place_orders(app: Any, count: int) -> list[str]:
    """Place `count` paid orders through the control API; return their ids."""
    fixture = json.loads(ORDER_FIXTURE.read_text())
    ids = itertools.count(FIRST_ID)
    placed = []
    with app.test_client() as control:
        for k in range(count):
            answer = control.post("/_sandbox/orders", json=order_body(fixture, 3000 + k, ids))
            if answer.status_code != 201:
                raise SystemExit(f"placing order {k} failed: {answer.get_data(as_text=True)}")
            placed.append(str(answer.get_json()["order"]["id"]))
    return placed


# --- the actions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One compensation action, with the deterministic code or key it is known by."""

    number: int
    kind: str
    spec: CouponSpec | ShippingRefundSpec | NoteSpec


def orders_needed(count: int) -> int:
    return sum(MIX[i % len(MIX)] in NEEDS_ORDER for i in range(count))


def plan(count: int, order_ids: list[str], today: datetime) -> list[Action]:
    """Return `count` actions in MIX order; each refund and note has an order to itself."""
    orders = iter(order_ids)
    planned = []
    for number in range(count):
        kind = MIX[number % len(MIX)]
        if kind == "refund":
            spec: Any = ShippingRefundSpec(
                order_id=next(orders),
                idempotency_key=f"bench-{number}-shipping",
                reason=f"Amends bench {number}: late delivery",
            )
        elif kind == "note":
            spec = NoteSpec(
                order_id=next(orders),
                idempotency_key=f"bench-{number}-note",
                text=f"Amends bench {number}: incident opened",
            )
        else:
            code = f"BENCH-{number:05d}-{kind.upper().replace('_', '')}"
            spec = CouponSpec(
                code=code,
                kind=kind,
                amount={"percent": Decimal(10), "fixed_amount": Decimal("5.00")}.get(
                    kind, Decimal(0)
                ),
                customer_email="lucia.fernandez@example.es",
                expires_on=(today + timedelta(days=90)).date(),
                description=f"Amends bench {number}",
                customer_id=CUSTOMER_ID,
            )
        planned.append(Action(number, kind, spec))
    return planned


@dataclass(frozen=True)
class Outcome:
    """What one row's action gave: its result, or the error its row was left with."""

    action: Action
    result: ActionResult | None
    error: str | None = None


def payload_of(action: Action, now: datetime) -> dict[str, Any]:
    """Return the outbox row's payload, as a decision writes it (plugin.compensation.actions)."""
    spec = action.spec
    if isinstance(spec, ShippingRefundSpec):
        return {
            "action": REFUND_SHIPPING,
            "order_id": spec.order_id,
            "amount": "4.90",  # the fixture order's shipping
            "reason": spec.reason,
            "through_gateway": True,
        }
    if isinstance(spec, NoteSpec):
        return {"action": ADD_NOTE, "order_id": spec.order_id, "text": spec.text}
    return {
        "action": ISSUE_COUPON,
        "code": spec.code,
        "coupon_kind": spec.kind,
        "amount": f"{spec.amount:f}",
        "customer_email": spec.customer_email,
        "expires_on": spec.expires_on.isoformat() if spec.expires_on else None,
        "starts_at": now.isoformat(),
        "description": spec.description,
    }


def key_of(action: Action) -> str:
    """Return the row's idempotency key: the one the action's refund or note is tagged with."""
    spec = action.spec
    return spec.code if isinstance(spec, CouponSpec) else spec.idempotency_key


class RecordingActions:
    """The connector's actions role, keeping what each action answered, by row key."""

    def __init__(self, actions_role: Any, results: dict[str, ActionResult]) -> None:
        self.actions, self.results = actions_role, results

    def issue_coupon(self, shop: Any, spec: CouponSpec) -> ActionResult:
        return self._keep(spec.code, self.actions.issue_coupon(shop, spec))

    def refund_shipping(self, shop: Any, spec: ShippingRefundSpec) -> ActionResult:
        return self._keep(spec.idempotency_key, self.actions.refund_shipping(shop, spec))

    def add_note(self, shop: Any, spec: NoteSpec) -> ActionResult:
        return self._keep(spec.idempotency_key, self.actions.add_note(shop, spec))

    def _keep(self, key: str, result: ActionResult) -> ActionResult:
        self.results[key] = result
        return result


# --- Amends: a runtime, its shop, its outbox ------------------------------------------


def amends_runtime(workdir: Path, base: str, recorder: Recorder) -> tuple[Runtime, int]:
    """Return a runtime on a fresh SQLite database with one shop at the sandbox store."""
    url = f"sqlite:///{workdir / 'amends.sqlite3'}"
    runtime = build_runtime(
        workdir / "instance",
        overrides={"database_url": url, "secret_key": "bench", "platform_retry_backoff_seconds": 0},
    )
    migrate.upgrade(runtime.database)
    runtime.connectors["shopify"].sleep = recording_sleep(recorder)
    with runtime.database.transaction() as session:
        shop_id = add_shop(
            session,
            runtime.credentials,
            platform="shopify",
            domain=SHOP,
            api_url=base,
            credentials={"access_token": TOKEN},
        )
    return runtime, shop_id


def queue_rows(runtime: Runtime, shop_id: int, planned: list[Action], now: datetime) -> None:
    """Queue one compensation row per action, due now."""
    with runtime.database.transaction() as session:
        for action in planned:
            enqueue(
                session,
                shop_id=shop_id,
                incident_id=None,
                key=key_of(action),
                kind=COMPENSATION,
                payload=payload_of(action, now),
            )


def queue_again(runtime: Runtime) -> None:
    """Put every row back in the queue, as if no worker had recorded carrying it out."""
    with runtime.database.transaction() as session:
        session.execute(
            update(OutboxEntry).values(
                status=QUEUED, attempts=0, next_attempt_at=runtime.clock.now(), sent_at=None
            )
        )


def drain_outbox(runtime: Runtime, results: dict[str, ActionResult]) -> None:
    """Run the worker's outbox runner in this thread until no row is due."""
    runner = worker.outbox_runner(runtime)
    real = worker.actor_for

    def actor(shop_id: int) -> tuple[Any, Any]:
        actions_role, shop = real(runtime, shop_id)
        return RecordingActions(actions_role, results), shop

    runner.executors[COMPENSATION].actor_for = actor  # type: ignore[attr-defined]
    runner.run_due()


def outcomes_of(runtime: Runtime, planned: list[Action], results: dict) -> list[Outcome]:
    """Return each action's result, or the error its row was left with."""
    with runtime.database.reading() as session:
        rows = {row.idempotency_key: row for row in session.query(OutboxEntry)}
    outcomes = []
    for action in planned:
        row = rows[key_of(action)]
        if row.status == "sent":
            outcomes.append(Outcome(action, results.get(key_of(action))))
        else:
            outcomes.append(Outcome(action, None, f"{row.status}: {row.last_error}"))
    return outcomes


# --- one pass ------------------------------------------------------------------------


@dataclass
class Pass:
    """What one run over every action did, and what the bucket allowed meanwhile."""

    name: str
    outcomes: list[Outcome]
    seconds: float
    start_level: float
    restore: float
    counts: Counts

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def created(self) -> int:
        return sum(bool(o.result and o.result.created) for o in self.outcomes)

    @property
    def ceiling_points(self) -> float:
        return self.start_level + self.restore * self.seconds

    @property
    def share(self) -> float:
        return self.counts.actual_points / self.ceiling_points


def run_pass(
    name: str,
    runtime: Runtime,
    planned: list[Action],
    threads: int,
    recorder: Recorder,
    settings: tuple[float, float],
) -> Pass:
    """Drain the queued rows from `threads` outbox runners; time it and tally it."""
    bucket, restore = settings
    results: dict[str, ActionResult] = {}
    before, start_level = recorder.snapshot(), recorder.bucket_level(bucket)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox") as pool:
        for done in [pool.submit(drain_outbox, runtime, results) for _ in range(threads)]:
            done.result()
    seconds = time.monotonic() - started
    outcomes = outcomes_of(runtime, planned, results)
    return Pass(name, outcomes, seconds, start_level, restore, recorder.snapshot() - before)


# --- what the store holds afterwards -------------------------------------------------


@dataclass
class Audit:
    """Extra and missing copies, by kind of action."""

    duplicated: Counter
    missing: Counter


def discount_codes(client: ShopifyClient) -> Counter:
    """Return how many discounts the store lists per code (upper-cased)."""
    codes: Counter = Counter()
    after = None
    while True:
        page = client.execute(DISCOUNTS_QUERY, {"after": after})["discountNodes"]
        for node in page["nodes"]:
            for code in (node.get("discount") or {}).get("codes", {}).get("nodes", []):
                codes[code["code"].upper()] += 1
        if not page["pageInfo"]["hasNextPage"]:
            return codes
        after = page["pageInfo"]["endCursor"]


def orders_read(client: ShopifyClient, order_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Return each order's note and refund notes, several orders per query (aliases)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(order_ids), ORDERS_PER_QUERY):
        chunk = order_ids[start : start + ORDERS_PER_QUERY]
        selections = " ".join(
            f'o{n}: order(id: "{actions.gid("Order", order_id)}") '
            "{ note refunds(first: 10) { note } }"
            for n, order_id in enumerate(chunk)
        )
        data = client.execute(f"query BenchOrders {{ {selections} }}")
        found.update({order_id: data[f"o{n}"] or {} for n, order_id in enumerate(chunk)})
    return found


def copies(action: Action, codes: Counter, orders: dict[str, dict[str, Any]]) -> int:
    """Return how many copies of what `action` makes the store holds."""
    if action.kind == "refund":
        tag = own_write_tag(action.spec.idempotency_key)
        refunds = orders[action.spec.order_id].get("refunds") or []
        return sum(tag in (refund.get("note") or "") for refund in refunds)
    if action.kind == "note":
        tag = own_write_tag(action.spec.idempotency_key)
        return (orders[action.spec.order_id].get("note") or "").count(tag)
    return codes[action.spec.code.upper()]


def audit(client: ShopifyClient, planned: list[Action]) -> Audit:
    """Compare what the store holds with one copy per action."""
    codes = discount_codes(client)
    order_ids = [a.spec.order_id for a in planned if a.kind in NEEDS_ORDER]
    orders = orders_read(client, order_ids)
    duplicated, missing = Counter(), Counter()
    for action in planned:
        found = copies(action, codes, orders)
        duplicated[action.kind] += max(0, found - 1)
        missing[action.kind] += int(found == 0)
    planned_codes = {a.spec.code.upper() for a in planned if a.kind not in NEEDS_ORDER}
    duplicated["unplanned code"] = sum(n for code, n in codes.items() if code not in planned_codes)
    return Audit(+duplicated, +missing)


# --- report --------------------------------------------------------------------------


def table(passes: list[Pass]) -> list[str]:
    header = (
        f"{'pass':<7}{'actions':>8}{'created':>8}{'failed':>7}{'seconds':>9}{'actions/s':>10}"
        f"{'points':>8}{'points/s':>9}{'ceiling pts/s':>14}{'share':>8}"
    )
    rows = [header]
    for run in passes:
        rows.append(
            f"{run.name:<7}{len(run.outcomes):>8}{run.created:>8}{len(run.failed):>7}"
            f"{run.seconds:>9.1f}{len(run.outcomes) / run.seconds:>10.2f}"
            f"{run.counts.actual_points:>8.0f}{run.counts.actual_points / run.seconds:>9.1f}"
            f"{run.ceiling_points / run.seconds:>14.1f}{run.share:>7.1%}"
        )
    return rows


def details(run: Pass) -> list[str]:
    counts = run.counts
    retry_sleep = counts.sleep_seconds - counts.bucket_wait_seconds
    mean_ms = 1000 * counts.answer_seconds / counts.requests if counts.requests else 0.0
    by_operation = ", ".join(
        f"{n} {name}" for name, n in counts.throttled_by_operation.most_common()
    )
    failed = Counter(o.action.kind for o in run.failed)
    return [
        f"{run.name}: {counts.requests} requests, {counts.throttled} THROTTLED"
        + (f" ({by_operation})" if by_operation else ""),
        f"  bucket at start {run.start_level:.0f} points "
        f"({run.start_level / run.ceiling_points:.0%} of the ceiling); "
        f"{counts.requested_points:.0f} points requested by the queries that ran, "
        f"{counts.actual_points:.0f} charged",
        f"  client (all threads): {counts.bucket_waits} bucket waits, "
        f"{counts.bucket_wait_seconds:.1f} s; {counts.retries} retries, {retry_sleep:.1f} s asleep",
        f"  sandbox answered in {mean_ms:.1f} ms on average"
        + (f"; failed by kind: {dict(failed)}" if failed else ""),
    ]


def verdict(met: bool) -> str:
    return "met" if met else "target missed"


def report(args: argparse.Namespace, passes: list[Pass], found: Audit) -> None:
    first = passes[0]
    print(
        f"Shopify actions against the sandbox: bucket {args.bucket:g} points, restore "
        f"{args.restore:g} points/s, {args.actions} actions through the outbox: "
        f"{args.threads} threads, each the worker's outbox runner, sharing the connector's "
        "one client for the shop"
    )
    print()
    print("\n".join(table(passes)))
    print()
    for run in passes:
        print("\n".join(details(run)))
    failures = [o for run in passes for o in run.failed]
    duplicated, missing = sum(found.duplicated.values()), sum(found.missing.values())
    spent = first.counts.actual_points / first.seconds
    ceiling = first.ceiling_points / first.seconds
    targets = [
        benchkit.Target(
            "share of the bucket's ceiling, first pass",
            first.share,
            f">= {TARGET_SHARE:.0%}",
            first.share >= TARGET_SHARE,
        ),
        benchkit.Target("duplicated", duplicated, "0", duplicated == 0),
        benchkit.Target("failed, both passes", len(failures), "0", not failures),
    ]
    print()
    print(
        targets[0].line(
            f"{spent:.1f} points/s beside a ceiling of {ceiling:.1f} = {first.share:.1%}"
        )
    )
    print(targets[1].line(str(duplicated)))
    print(targets[2].line(str(len(failures))))
    print(f"missing: {missing} (in the store after both passes)")
    for outcome in failures[:5]:
        print(f"  e.g. action {outcome.action.number} ({outcome.action.kind}): {outcome.error}")
    results = [
        {
            "pass": run.name,
            "actions": len(run.outcomes),
            "created": run.created,
            "failed": len(run.failed),
            "seconds": round(run.seconds, 2),
            "points_per_second": round(run.counts.actual_points / run.seconds, 1),
            "ceiling_points_per_second": round(run.ceiling_points / run.seconds, 1),
            "share": round(run.share, 4),
            "throttled": run.counts.throttled,
        }
        for run in passes
    ]
    path = benchkit.record("shopify_actions", vars(args), results, targets)
    benchkit.say_recorded(path)


# --- main ----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500, help="actions per pass (500)")
    parser.add_argument("--threads", type=int, default=4, help="worker threads (4)")
    parser.add_argument("--bucket", type=float, default=2000.0, help="bucket size (2000)")
    parser.add_argument("--restore", type=float, default=100.0, help="points/s restored (100)")
    return parser.parse_args()


def quiet_logs(recorder: Recorder) -> None:
    """Keep werkzeug's request lines off the terminal; count the client's records."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    client_log = logging.getLogger(CLIENT_LOGGER)
    client_log.setLevel(logging.INFO)
    client_log.addHandler(ClientLog(recorder))
    client_log.propagate = False


def main() -> None:
    args = parse_args()
    recorder = Recorder()
    quiet_logs(recorder)
    now = datetime.now(UTC).replace(microsecond=0)
    with (
        running_sandbox(args.bucket, args.restore, recorder) as (app, base),
        tempfile.TemporaryDirectory(prefix="amends-bench-shopify-") as workdir,
    ):
        order_ids = place_orders(app, orders_needed(args.actions))
        planned = plan(args.actions, order_ids, now)
        client = ShopifyClient(SHOP, TOKEN, api_url=base, sleep=recording_sleep(recorder))
        client.execute("query BenchWarmUp { shop { id } }")  # builds the sandbox's schema
        runtime, shop_id = amends_runtime(Path(workdir), base, recorder)
        queue_rows(runtime, shop_id, planned, now)
        settings = (args.bucket, args.restore)
        passes = [run_pass("first", runtime, planned, args.threads, recorder, settings)]
        queue_again(runtime)
        passes.append(run_pass("repeat", runtime, planned, args.threads, recorder, settings))
        runtime.database.dispose()
        found = audit(client, planned)
    report(args, passes, found)


if __name__ == "__main__":
    main()
