"""Benchmark Amends' Shopify compensation actions against Shopify's cost bucket.

What runs: the sandbox Shopify (sandboxes/shopify) on a loopback port, in
real time, with the calculated-cost bucket of Shopify's Standard plan (2000 points,
restoring 100 per second; `--bucket` and `--restore` change them). One order is
placed per shipping refund and per note (the fixture order 5001 with its own ids):
a shipping refund can be made once per order, and add_note rewrites the whole note,
so two notes on one order at the same time would lose one (not what is measured here).
Then `--actions` (500) actions go through connectors/shopify/actions.py, from
`--threads` (4) worker threads sharing ONE ShopifyClient, as the outbox runner
would for one shop: 40 % discount codes (percent and fixed amount), 20 % free-shipping
codes, 20 % shipping refunds, 20 % order notes, each with a deterministic code or
idempotency key. Then every action runs once more, as after a crash (the "repeat"
pass), and GraphQL reads check what the store holds.

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
target it misses. Run it with `.venv/bin/python bench/shopify_actions.py`
(about two minutes with the defaults).
"""

from __future__ import annotations

import argparse
import copy
import io
import itertools
import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from connectors.shopify import actions
from connectors.shopify.client import ShopifyClient
from plugin.platforms import ActionResult, CouponSpec, NoteSpec, ShippingRefundSpec, own_write_tag
from sandboxes.shopify import close_app, create_app

ROOT = Path(__file__).resolve().parent.parent
ORDER_FIXTURE = ROOT / "tests" / "fixtures" / "shopify" / "sandbox" / "order_5001.json"
SHOP = "amends-bench.myshopify.com"
TOKEN = "shpat_bench_token"
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
    """What one call of an action gave: its result, or the exception it raised."""

    action: Action
    result: ActionResult | None
    error: str | None = None


def perform(client: ShopifyClient, now: datetime, action: Action) -> Outcome:
    """Run one action as the outbox runner would; an exception is a failed action."""
    try:
        if action.kind == "refund":
            result = actions.refund_shipping(client, action.spec)
        elif action.kind == "note":
            result = actions.add_note(client, action.spec)
        else:
            result = actions.issue_coupon(client, replace(action.spec, starts_at=now))
    except Exception as error:  # noqa: BLE001 - every exception is a failed action here
        return Outcome(action, None, f"{type(error).__name__}: {error}")
    return Outcome(action, result)


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
    client: ShopifyClient,
    planned: list[Action],
    threads: int,
    recorder: Recorder,
    settings: tuple[float, float],
    now: datetime,
) -> Pass:
    """Run every action from `threads` workers sharing `client`; time it and tally it."""
    bucket, restore = settings
    before, start_level = recorder.snapshot(), recorder.bucket_level(bucket)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox") as pool:
        outcomes = list(pool.map(partial(perform, client, now), planned))
    seconds = time.monotonic() - started
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
        f"{args.restore:g} points/s, {args.actions} actions from {args.threads} threads "
        "sharing one ShopifyClient"
    )
    print()
    print("\n".join(table(passes)))
    print()
    for run in passes:
        print("\n".join(details(run)))
    failures = [o for run in passes for o in run.failed]
    duplicated, missing = sum(found.duplicated.values()), sum(found.missing.values())
    print()
    print(
        f"share of the bucket's ceiling, first pass: {first.share:.1%} "
        f"(target >= {TARGET_SHARE:.0%}): {verdict(first.share >= TARGET_SHARE)}"
    )
    print(f"duplicated: {duplicated} (target 0): {verdict(duplicated == 0)}")
    print(f"failed: {len(failures)} (target 0, both passes): {verdict(not failures)}")
    print(f"missing: {missing} (in the store after both passes)")
    for outcome in failures[:5]:
        print(f"  e.g. action {outcome.action.number} ({outcome.action.kind}): {outcome.error}")


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
    with running_sandbox(args.bucket, args.restore, recorder) as (app, base):
        order_ids = place_orders(app, orders_needed(args.actions))
        planned = plan(args.actions, order_ids, now)
        client = ShopifyClient(SHOP, TOKEN, api_url=base, sleep=recording_sleep(recorder))
        client.execute("query BenchWarmUp { shop { id } }")  # builds the sandbox's schema
        settings = (args.bucket, args.restore)
        passes = [
            run_pass(name, client, planned, args.threads, recorder, settings, now)
            for name in ("first", "repeat")
        ]
        found = audit(client, planned)
    report(args, passes, found)


if __name__ == "__main__":
    main()
