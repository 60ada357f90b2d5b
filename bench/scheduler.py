"""Benchmark one `amends scheduler` tick: 1,000 due orders among many, found by index.

What runs, for each database (SQLite, and PostgreSQL unless --no-postgres) and each
size in --sizes (default 10,000 and 1,000,000 orders, as the target names them; a
million orders take about half a minute to build on each database; --sizes
10000,100000 for a quicker run):

1. A fresh database, migrated, with eight active Shopify shops and one uninstalled,
   and that many orders inserted directly through the driver (executemany on
   SQLite, COPY on PostgreSQL), spread over the shops. 1,000 of them are due:
   paid, not shipped, their ship-by time (`next_due_at`) passed within the last two
   days. Of the rest, a quarter wait to ship with a ship-by time in the next three
   days, and three quarters have shipped or finished (no ship-by time). One order
   in a hundred has an incident already. The uninstalled shop left 100 orders
   waiting to ship, past their ship-by time since: they must never be checked.
   PostgreSQL's tables are analysed after the load, as autovacuum would; SQLite is
   left as Amends leaves it (no ANALYZE).
2. One tick as `amends scheduler --once` runs it (`plugin.scheduler.run_due`, every
   job in turn, as of a fixed time), timed job by job: a warm-up, then --rounds
   measured ticks (default 3), the median reported. Between ticks the database is
   put back: the incidents the tick opened are deleted and the due orders due again.
   The jobs whose work is calling the stores (webhooks.upkeep, orders.reconcile)
   are left out: their cost follows the shops and the stores' answers, not the
   orders, and the bench's stores do not exist.
3. While the first measured tick runs, every statement it sends is recorded; each
   distinct one is then EXPLAINed (EXPLAIN QUERY PLAN on SQLite), and any full scan
   of orders, incidents, incident_sources, incident_timeline or inbox is flagged
   when that table holds 10,000 rows or more (a smaller one may rightly be read
   whole: PostgreSQL's planner does so for a few thousand orders).
   The plan of the query that finds the due orders is printed in full.

Every tick must open exactly 1,000 `delayed_shipment` incidents, one per due order.

Target: tick time at the largest size / tick time at the smallest <= 1.5, on each
database: the tick takes its work through the `next_due_at` index, so its time
follows the due orders, not all orders. The script prints "target missed" when
one is; it never fails on timing. Results go to bench/results.json under
"scheduler" (see bench/benchkit.py). Defaults take about two minutes on a 2-core
machine.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import benchkit
from benchkit import Backend, Target, progress
from sqlalchemy import bindparam, event, func, select

from plugin import scheduler
from plugin.clock import FixedClock
from plugin.runtime import build_runtime
from plugin.shops import UNINSTALLED, add_shop
from plugin.storage import migrate
from plugin.storage.models import Incident, Order, Shop

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the tick runs as of this time
SECRET_KEY = "bench-secret-key-not-for-production"
ACTIVE_SHOPS = 8
DUE = 1000
STALE = 100  # orders of the uninstalled shop past their ship-by time: never to be checked
TARGET_RATIO = 1.5
BIG_TABLES = ("orders", "incidents", "incident_sources", "incident_timeline", "inbox")
# A table smaller than this may rightly be read whole (PostgreSQL's planner does, for
# a few thousand rows); a full scan of a bigger one is flagged.
SCAN_MATTERS_ROWS = 10_000
LINE_ITEMS = (
    '{"lines": [{"line_item_id": "14620193734713", "product_id": "8790331293753", '
    '"variant_id": "46871046996025", "sku": "TAZA-OLIVAR-350", '
    '"title": "Taza de cer\\u00e1mica \\"Olivar\\"", "quantity": 2}, '
    '{"line_item_id": "14620193767481", "product_id": "8790331326521", '
    '"variant_id": "46871047028793", "sku": "MANTEL-LINO-AZ", "title": "Mantel de lino", '
    '"quantity": 1}]}'
)
SHIPPED = (
    '{"parcels": [{"tracking_number": "3230008342012001", "carrier": "Correos Express", '
    '"shipped_at": "2026-11-17T09:00:00+00:00", "tracking_url": null, '
    '"shipment_id": "5170337841209", "status": "in_transit"}]}'
)
NOT_SHIPPED = '{"parcels": []}'
LOCALES = ("es", "it", "ru", "de", "fr", "en")
ORDER_COLUMNS = (
    "shop_id",
    "platform_order_id",
    "name",
    "status",
    "financial_status",
    "fulfillment_status",
    "customer_email",
    "customer_locale",
    "currency",
    "total_price",
    "placed_at",
    "paid_at",
    "platform_updated_at",
    "line_items",
    "shipping_total",
    "shipments",
    "next_due_at",
    "created_at",
    "updated_at",
)
INCIDENT_COLUMNS = (
    "shop_id",
    "platform_order_id",
    "order_name",
    "kind",
    "status",
    "open_key",
    "customer_email",
    "locale",
    "next_due_at",
    "created_at",
    "updated_at",
)


@dataclass
class Measurement:
    """The ticks taken on one database of one size."""

    backend: str
    orders: int
    build_seconds: float = 0.0
    ticks: list[dict[str, float]] = field(default_factory=list)  # job -> seconds, per tick
    opened: list[int] = field(default_factory=list)  # delayed_shipment opened, per tick
    plans: list[dict[str, Any]] = field(default_factory=list)  # statement, plan, full scans

    @property
    def tick_seconds(self) -> float:
        return statistics.median(sum(tick.values()) for tick in self.ticks)

    def job_seconds(self, job: str) -> float:
        return statistics.median(tick[job] for tick in self.ticks)

    @property
    def correct(self) -> bool:
        return all(opened == DUE for opened in self.opened)

    @property
    def full_scans(self) -> list[str]:
        return sorted({table for plan in self.plans for table in plan["full_scans"]})


# --- the orders --------------------------------------------------------------------------


def stamp(moment: datetime, dialect: str) -> Any:
    """Write a time as SQLAlchemy stores it: naive UTC text on SQLite, aware on PostgreSQL."""
    if dialect == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def order_rows(count: int, shops: list[int], dialect: str) -> Iterator[tuple]:
    """Yield `count` order rows: DUE due ones spread among them, the rest not due.

    The last shop is the uninstalled one: STALE of its orders were waiting to ship
    when it left, and their ship-by time has passed since.
    """
    chance = random.Random(count)  # the same orders for the same size, on every database
    active, gone = shops[:-1], shops[-1]
    due_positions = set(chance.sample(range(count), DUE))
    created = stamp(NOW - timedelta(days=3), dialect)
    stale = 0
    for number in range(count):
        placed = NOW - timedelta(days=30) + timedelta(seconds=number * 2_592_000 // count)
        shop = (
            active[number % len(active)] if number in due_positions else shops[number % len(shops)]
        )
        if number in due_positions or (shop == gone and stale < STALE):
            stale += shop == gone
            due = NOW - timedelta(minutes=1 + chance.randrange(2 * 24 * 60))
        elif shop != gone and chance.random() < 0.25:
            due = NOW + timedelta(minutes=1 + chance.randrange(3 * 24 * 60))
        else:
            due = None
        fulfillment, shipments = ("unfulfilled", NOT_SHIPPED) if due else ("fulfilled", SHIPPED)
        yield (
            shop,
            str(6_100_000_000_000 + number),
            f"#{1001 + number}",
            "open",
            "paid",
            fulfillment,
            f"customer{number}@example.com",
            LOCALES[number % len(LOCALES)],
            "EUR",
            "54.80",
            stamp(placed, dialect),
            stamp(placed, dialect),
            stamp(placed + timedelta(hours=1), dialect),
            LINE_ITEMS,
            "5.90",
            shipments,
            stamp(due, dialect) if due else None,
            created,
            created,
        )


def incident_rows(count: int, shops: list[int], dialect: str) -> Iterator[tuple]:
    """Yield one incident per hundred orders, on orders that are not due: most resolved."""
    created = stamp(NOW - timedelta(days=2), dialect)
    for number in range(0, count, 100):
        shop = shops[number % len(shops)]
        order_id = str(6_100_000_000_000 + number)
        kind = ("defective_item", "delivery_exception", "wrong_item")[number // 100 % 3]
        still_open = number // 100 % 4 == 0
        yield (
            shop,
            order_id,
            f"#{1001 + number}",
            kind,
            "open" if still_open else "resolved",
            f"{kind}:{order_id}" if still_open else None,
            f"customer{number}@example.com",
            LOCALES[number % len(LOCALES)],
            stamp(NOW + timedelta(days=1), dialect) if still_open else None,
            created,
            created,
        )


def load_sqlite(path: str, count: int, shops: list[int]) -> None:
    """Insert the orders and incidents with the driver's executemany, in one transaction."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN")
        for table, columns, rows in (
            ("orders", ORDER_COLUMNS, order_rows(count, shops, "sqlite")),
            ("incidents", INCIDENT_COLUMNS, incident_rows(count, shops, "sqlite")),
        ):
            marks = ", ".join("?" for _ in columns)
            db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        db.execute("COMMIT")
    finally:
        db.close()


def load_postgres(url: str, count: int, shops: list[int]) -> None:
    """COPY the orders and incidents in, then analyse the tables."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as db:
        for table, columns, rows in (
            ("orders", ORDER_COLUMNS, order_rows(count, shops, "postgresql")),
            ("incidents", INCIDENT_COLUMNS, incident_rows(count, shops, "postgresql")),
        ):
            with db.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        db.commit()
        db.autocommit = True
        db.execute("VACUUM ANALYZE")


def build(url: str, count: int, workdir: Path) -> Any:
    """Migrate, add the shops, load the orders; return a runtime on it at NOW."""
    runtime = build_runtime(
        workdir / "instance",
        overrides={"database_url": url, "secret_key": SECRET_KEY},
        clock=FixedClock(NOW),
    )
    migrate.upgrade(runtime.database)
    with runtime.database.transaction() as session:
        shops = [
            add_shop(
                session,
                runtime.credentials,
                platform="shopify",
                domain=f"bench-{number}.myshopify.com",
                credentials={"access_token": "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"},
            )
            for number in range(ACTIVE_SHOPS + 1)
        ]
        session.get(Shop, shops[-1]).status = UNINSTALLED
    if runtime.database.dialect == "sqlite":
        load_sqlite(str(runtime.database.file), count, shops)
    else:
        load_postgres(url, count, shops)
    return runtime


# --- the ticks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What a tick changes, as it was before: the due orders and the last incident id."""

    due: list[tuple[int, datetime]]  # order id, next_due_at
    last_incident: int


def baseline(runtime: Any) -> Baseline:
    """Remember the due orders and the newest incident, to undo a tick."""
    with runtime.database.reading() as session:
        due = session.execute(
            select(Order.id, Order.next_due_at).where(Order.next_due_at <= NOW)
        ).all()
        last = session.scalar(select(func.max(Incident.id))) or 0
    return Baseline([(row.id, row.next_due_at) for row in due], last)


def undo(runtime: Any, before: Baseline) -> None:
    """Delete the incidents a tick opened (their links and timelines too); make the orders due."""
    with runtime.database.connection() as connection:
        for table in ("incident_sources", "incident_timeline"):
            connection.exec_driver_sql(
                f"DELETE FROM {table} WHERE incident_id > {before.last_incident:d}"
            )
        connection.exec_driver_sql(f"DELETE FROM incidents WHERE id > {before.last_incident:d}")
        connection.execute(
            Order.__table__.update()
            .where(Order.__table__.c.id == bindparam("order_id"))
            .values(next_due_at=bindparam("due")),
            [{"order_id": order_id, "due": due} for order_id, due in before.due],
        )


# Jobs that call the stores rather than find work in the database.
CALLING_STORES = {"webhooks.upkeep", "orders.reconcile"}
JOBS = [job for job in scheduler.JOBS if job.name not in CALLING_STORES]


def tick(runtime: Any) -> dict[str, float]:
    """Run every database job once, as `run_due` does, as of NOW; return each one's seconds."""
    seconds = {}
    for job in JOBS:
        began = time.perf_counter()
        scheduler.run_job(runtime, job, NOW)
        seconds[job.name] = time.perf_counter() - began
    return seconds


def opened_since(runtime: Any, before: Baseline) -> int:
    """Count the delayed_shipment incidents opened after the baseline."""
    with runtime.database.reading() as session:
        return session.scalar(
            select(func.count()).where(
                Incident.id > before.last_incident, Incident.kind == "delayed_shipment"
            )
        )


def recorded_statements(runtime: Any) -> tuple[list[tuple[str, Any]], Any]:
    """Start recording the statements sent; return the list and the listener to remove."""
    sent: list[tuple[str, Any]] = []

    def record(_connection, _cursor, statement, parameters, _context, executemany):  # noqa: ANN001
        if statement.split()[0].upper() in ("SELECT", "UPDATE", "DELETE"):
            sent.append((statement, parameters[0] if executemany else parameters))

    event.listen(runtime.database.engine, "before_cursor_execute", record)
    return sent, record


def explain(runtime: Any, sent: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """EXPLAIN each distinct statement; note the big tables it scans in full."""
    distinct: dict[str, Any] = {}
    for statement, parameters in sent:
        distinct.setdefault(statement, parameters)
    plans = []
    raw = runtime.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        big = []
        for table in BIG_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            if cursor.fetchone()[0] >= SCAN_MATTERS_ROWS:
                big.append(table)
        for statement, parameters in distinct.items():
            if runtime.database.dialect == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                lines = [row[3] for row in cursor.fetchall()]
                scans = [t for t in big if any(is_sqlite_scan(line, t) for line in lines)]
            else:
                cursor.execute("EXPLAIN " + statement, parameters)
                lines = [row[0] for row in cursor.fetchall()]
                scans = [t for t in big if any(f"Seq Scan on {t} " in f"{line} " for line in lines)]
            plans.append(
                {"statement": " ".join(statement.split()), "plan": lines, "full_scans": scans}
            )
        raw.rollback()
    finally:
        raw.close()
    return plans


def is_sqlite_scan(line: str, table: str) -> bool:
    """Tell whether a SQLite plan line reads all of `table` (SCAN, rather than SEARCH)."""
    words = line.split()
    return len(words) >= 2 and words[0] == "SCAN" and words[1] == table and "COVERING" not in line


def measure(backend: Backend, count: int, rounds: int, workdir: Path) -> Measurement:
    """Build the database and take a warm-up tick and `rounds` measured ones."""
    result = Measurement(backend.name, count)
    with backend.fresh(workdir) as url:
        progress(f"{backend.name}, {count:,} orders: building")
        began = time.perf_counter()
        runtime = build(url, count, workdir)
        result.build_seconds = time.perf_counter() - began
        try:
            before = baseline(runtime)
            for number in range(rounds + 1):
                progress(f"{backend.name}, {count:,} orders: tick {number or 'warm-up'}")
                sent, listener = recorded_statements(runtime) if number == 1 else (None, None)
                seconds = tick(runtime)
                if listener is not None:
                    event.remove(runtime.database.engine, "before_cursor_execute", listener)
                    result.plans = explain(runtime, sent)
                if number:
                    result.ticks.append(seconds)
                    result.opened.append(opened_since(runtime, before))
                undo(runtime, before)
        finally:
            runtime.database.dispose()
    return result


# --- the report ----------------------------------------------------------------------------


def due_query(result: Measurement) -> dict[str, Any] | None:
    """Return the plan of the statement that finds the due orders."""
    for plan in result.plans:
        if "next_due_at <=" in plan["statement"] and "FROM orders" in plan["statement"]:
            return plan
    return None


def short(statement: str) -> str:
    """Shorten a statement to its verb, table and conditions, for a one-line summary."""
    words = statement.split()
    if words[0] == "SELECT":
        statement = "SELECT ... " + statement[statement.index(" FROM ") + 1 :]
    return statement if len(statement) <= 110 else statement[:107] + "..."


def access_paths(plan: list[str]) -> str:
    """Keep a plan's lines that say how each table is read."""
    paths = [
        re.sub(r"\s*\(cost=[^)]*\)", "", " ".join(line.replace("->", "").split()))
        for line in plan
        if line.split()[0] in ("SEARCH", "SCAN") or " Scan " in f" {line} "
    ]
    return "; ".join(paths) or "; ".join(" ".join(line.split()) for line in plan)


def report(results: list[Measurement], args: argparse.Namespace) -> bool:
    """Print ticks by size, the ratios against the target, the plans; record them."""
    jobs = [job.name for job in JOBS]
    print(f"\nscheduler tick: {DUE:,} due orders among N; median of {args.rounds} ticks")
    print(
        f"{'database':<11}{'orders':>11}{'build s':>9}{'tick ms':>9}  "
        + "  ".join(f"{name} ms" for name in jobs)
        + "  check"
    )
    for result in results:
        print(
            f"{result.backend:<11}{result.orders:>11,}{result.build_seconds:>9.1f}"
            f"{result.tick_seconds * 1000:>9.0f}  "
            + "  ".join(f"{result.job_seconds(name) * 1000:>{len(name) + 3}.0f}" for name in jobs)
            + f"  {'ok' if result.correct else 'FAILED: opened ' + str(result.opened)}"
        )
    held: list[tuple[Target, str]] = []
    for backend in dict.fromkeys(result.backend for result in results):
        sized = sorted((r for r in results if r.backend == backend), key=lambda r: r.orders)
        if len(sized) < 2:
            continue
        small, large = sized[0], sized[-1]
        ratio = large.tick_seconds / small.tick_seconds
        target = Target(
            f"{backend}: tick at {large.orders:,} / at {small.orders:,} orders",
            round(ratio, 2),
            f"<= {TARGET_RATIO}",
            ratio <= TARGET_RATIO,
        )
        held.append((target, f"{ratio:.2f}"))
    print()
    for result in results:
        query = due_query(result)
        scans = result.full_scans
        print(
            f"{result.backend}, {result.orders:,} orders: {len(result.plans)} distinct statements"
            f" EXPLAINed; full scans of big tables: {', '.join(scans) if scans else 'none'}"
        )
        if result is max(
            (r for r in results if r.backend == result.backend), key=lambda r: r.orders
        ):
            for plan in result.plans:
                print(f"  {short(plan['statement'])}: {access_paths(plan['plan'])}")
            if query is not None:
                print("  the due orders, in full:")
                print("\n".join(f"    {line}" for line in query["plan"]))
        for plan in result.plans:
            if plan["full_scans"]:
                print(f"  FULL SCAN: {plan['statement']}")
                print("\n".join(f"    {line}" for line in plan["plan"]))
    print()
    for target, text in held:
        print(target.line(text))
    correct = all(result.correct for result in results)
    no_scans = not any(result.full_scans for result in results)
    path = benchkit.record(
        "scheduler",
        vars(args),
        {
            "due_orders": DUE,
            "now": NOW.isoformat(),
            "measurements": [
                {
                    "backend": r.backend,
                    "orders": r.orders,
                    "build_seconds": round(r.build_seconds, 1),
                    "tick_ms": round(r.tick_seconds * 1000, 1),
                    "job_ms": {name: round(r.job_seconds(name) * 1000, 1) for name in jobs},
                    "ticks_ms": [round(sum(t.values()) * 1000, 1) for t in r.ticks],
                    "opened": r.opened,
                    "full_scans": r.full_scans,
                    "due_query_plan": (due_query(r) or {}).get("plan"),
                }
                for r in results
            ],
            "correct": correct,
            "no_full_scans": no_scans,
        },
        [target for target, _ in held],
    )
    benchkit.say_recorded(path)
    return correct and no_scans


# --- entry point ---------------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    """Read the command line; the defaults take about two minutes on a 2-core machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10000,1000000",
        help="order counts, comma-separated (10000,1000000)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="measured ticks per size (3)")
    benchkit.add_database_options(parser)
    args = parser.parse_args()
    args.sizes = sorted(int(size) for size in args.sizes.split(",") if size.strip())
    if not args.sizes or args.sizes[0] < 2 * DUE or args.rounds < 1:
        parser.error(f"every size must be at least {2 * DUE} and --rounds at least 1")
    return args


def main() -> int:
    """Build each size on each database, tick, and print the report."""
    args = parse_arguments()
    chosen = benchkit.backends(args)
    with tempfile.TemporaryDirectory(prefix="amends-bench-scheduler-") as tmp:
        results = [
            measure(backend, size, args.rounds, Path(tmp))
            for backend in chosen
            for size in args.sizes
        ]
    return 0 if report(results, args) else 1


if __name__ == "__main__":
    sys.exit(main())
