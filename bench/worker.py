"""Benchmark `amends worker`: deliveries parsed, detected and committed per second per process.

What runs, for each database (SQLite, and PostgreSQL unless --no-postgres) and each
number of worker processes (--workers, 1 and 2):

1. A fresh database, migrated, with one Shopify and one WooCommerce shop (the default
   compensation policy, but every compensation waits for a person: the worker
   decides each as it would, and calls no platform, which the bench does not have;
   carrying compensations out is the outbox's time, not the inbox's), and an inbox
   filled beforehand with --deliveries deliveries of a store day's mix
   (bench/delivery_mix.py: orders, updates, carrier events, returns for several
   reasons, refunds, a cancellation, a trash; built from the recorded deliveries in
   tests/fixtures). They are written straight into the inbox table, as the intake
   leaves them, each received 1 ms after the one before, and held (due in the far
   future) while the workers start: signing and intake are bench/intake.py's
   concern, not this one's.
2. That many real `amends worker` processes, started on it as an operator would
   (logging at its default level, info, into a file). Once each has said
   `worker.started`, the deliveries are made due (at the time each was received) in
   one statement and the clock starts; it stops when no delivery is pending.
   AMENDS_WORKER_POLL_SECONDS is 0.05 so that an idle worker notices them within
   50 ms; it changes nothing once they are busy.
3. The ceiling, on another fresh database filled the same way, with as many
   processes: per delivery, one transaction through the bare driver (sqlite3,
   psycopg) that claims the oldest due delivery as the worker does (its row, body
   included; FOR UPDATE SKIP LOCKED on PostgreSQL), upserts an order row of the same
   shape as the worker's order snapshot (a new order every third delivery, as in the
   mix), marks the delivery done, and commits, on the same settings (SQLite: WAL,
   synchronous=NORMAL, secure_delete, writers queued on a file lock as Amends
   queues them; PostgreSQL: the server's own, commits flushed to disk). Whatever a
   delivery needs, it needs at least that claim, one row written and one commit:
   a worker that committed each delivery on its own could not go faster on this
   database. The worker claims and commits a batch of deliveries at a time
   (plugin.inbox.processing.BATCH_SIZE), so where commits are dear (PostgreSQL,
   which flushes each to disk) it can pass this ceiling; where they are cheap
   (SQLite), the ratio worker/ceiling is the share of the database's own speed
   that parsing, detection and the ORM leave.

And once more, the memory run: one worker draining --memory-deliveries deliveries on
SQLite, its resident memory sampled while it works and its peak (VmHWM in
/proc/<pid>/status) read before it is stopped.

What is reported, per run: wall-clock deliveries per second, in total and per process
(the total divided by the processes: on SQLite two workers share one write lock, so
there their total is the figure that counts); and deliveries per CPU-second, the
workers' own CPU time (user + system, /proc/<pid>/stat) while draining: what a
process would reach with a core to itself and a database that never kept it
waiting. On a shared 2-core machine wall-clock rates move by 20 % or more between
runs of the same code; the CPU-second rate moves far less, so compare that one.

Correctness is checked, not only speed: every delivery must end done or ignored
(none failed, none pending), and each run must open the same incidents by kind as
the others, since they processed the same deliveries.

Targets: >= 1,000 deliveries/s per process on SQLite (one worker); peak resident
memory < 200 MB while draining 100,000 deliveries. On PostgreSQL each commit waits
for its WAL flush, so the figures there depend on the disk as much as on Amends.
The script prints "target missed" when one is; it never fails on timing. Results
go to bench/results.json under "worker" (see bench/benchkit.py).

Defaults suit a 2-core machine in about three minutes: --deliveries 3000 per run and
--memory-deliveries 15000; pass --memory-deliveries 100000 for the target's size
(about five minutes more).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import benchkit
import delivery_mix
from benchkit import Backend, Target, progress
from sqlalchemy import func, insert, select, update

from plugin.compensation.defaults import DEFAULT_DOCUMENT
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.inbox import PENDING
from plugin.shops import add_shop
from plugin.storage import migrate
from plugin.storage.credentials import CredentialBox
from plugin.storage.db import connect
from plugin.storage.models import InboxDelivery, Incident

SECRET_KEY = "bench-secret-key-not-for-production"
SHOPIFY_CREDENTIALS = {"access_token": "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"}
WOO_CREDENTIALS = {
    "consumer_key": "ck_4a7f1c9e2b8d3f6a0c5e9b1d7f2a4c8e6b0d3f9a",
    "consumer_secret": "cs_9e2c6a1f8b4d0e7c3a5f9b2d6e1c8a4f0b7d3e5c",
    "webhook_secret": "hk7Qv2Lr9XwT4mZp8sNc3YbF6dJu1GeA",
}
HELD = datetime(2999, 1, 1, tzinfo=UTC)  # "due" time of deliveries waiting for the start
FILL_CHUNK = 500
POLL_SECONDS = 0.05
START_TIMEOUT_SECONDS = 60
TARGET_PER_PROCESS = 1000.0
TARGET_PEAK_MB = 200.0
TARGET_MEMORY_DELIVERIES = 100_000
DELIVERIES_PER_ORDER = 3  # the mix has about 3.4 deliveries per order
# The default policy, every compensation waiting for a person: the worker decides
# them as it would, but sends none to a platform (the bench's stores are not there,
# and a call to one is the outbox's time, not the inbox's).
APPROVED_BY_HAND = read_policy(
    DEFAULT_DOCUMENT
    | {"rules": [rule | {"needs_approval": True} for rule in DEFAULT_DOCUMENT["rules"]]}
)


@dataclass
class Run:
    """One drain of a filled inbox by `processes` worker processes, and its ceiling."""

    backend: str
    processes: int
    deliveries: int
    seconds: float = 0.0
    by_process: list[int] = field(default_factory=list)  # deliveries each worker logged
    peak_rss_mb: list[float] = field(default_factory=list)  # VmHWM of each worker
    cpu_seconds: float = 0.0  # the workers' CPU time (user + system) while draining
    rss_samples_mb: list[tuple[int, float]] = field(default_factory=list)  # (done, VmRSS)
    statuses: dict[str, int] = field(default_factory=dict)
    incidents: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    ceiling_seconds: float | None = None

    @property
    def total_per_s(self) -> float:
        return self.deliveries / self.seconds if self.seconds else 0.0

    @property
    def per_process_per_s(self) -> float:
        return self.total_per_s / self.processes

    @property
    def per_cpu_second(self) -> float:
        return self.deliveries / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def ceiling_per_s(self) -> float | None:
        return self.deliveries / self.ceiling_seconds if self.ceiling_seconds else None

    @property
    def correct(self) -> bool:
        processed = self.statuses.get("done", 0) + self.statuses.get("ignored", 0)
        return processed == self.deliveries and not self.errors


# --- the database ----------------------------------------------------------------------


def prepare(url: str, planned: list[delivery_mix.Planned]) -> None:
    """Migrate the database, add the two shops, and fill the inbox, held until started."""
    database, credentials = connect(url), CredentialBox(SECRET_KEY)
    try:
        migrate.upgrade(database)
        with database.transaction() as session:
            shops = {
                "shopify": add_shop(
                    session,
                    credentials,
                    platform="shopify",
                    domain="bench.myshopify.com",
                    credentials=SHOPIFY_CREDENTIALS,
                ),
                "woocommerce": add_shop(
                    session,
                    credentials,
                    platform="woocommerce",
                    domain="https://tienda.example/",
                    credentials=WOO_CREDENTIALS,
                ),
            }
            for shop_id in shops.values():
                save_policy(session, shop_id, APPROVED_BY_HAND)
        with database.transaction() as session:
            rows = inbox_rows(planned, shops)
            for start in range(0, len(rows), FILL_CHUNK):
                session.execute(insert(InboxDelivery), rows[start : start + FILL_CHUNK])
        if database.dialect == "postgresql":
            with database.autocommit() as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        database.dispose()


def inbox_rows(planned: list[delivery_mix.Planned], shops: dict[str, int]) -> list[dict]:
    """Describe the deliveries as inbox rows, received 1 ms apart and held.

    Each is received (and would be due) at its own time, as the intake leaves them,
    so the claim's order (due time, then id) has no ties to sort; until the start,
    each is due in the far future.
    """
    first = datetime.now(UTC) - timedelta(milliseconds=len(planned) + 1000)
    return [
        {
            "platform": p.platform,
            "shop_id": shops[p.platform],
            "topic": p.topic,
            "delivery_key": f"bench:{number}",
            "headers": headers_of(p, number),
            "body": p.body,
            "received_at": first + timedelta(milliseconds=number),
            "triggered_at": first + timedelta(milliseconds=number),
            "next_attempt_at": HELD,
            "status": PENDING,
            "attempts": 0,
        }
        for number, p in enumerate(planned)
    ]


def headers_of(planned: delivery_mix.Planned, number: int) -> dict[str, str]:
    """Return the headers the intake keeps for such a delivery."""
    if planned.platform == "shopify":
        return {
            "X-Shopify-Topic": planned.topic,
            "X-Shopify-Shop-Domain": "bench.myshopify.com",
            "X-Shopify-Webhook-Id": f"bench-{number:08d}",
            "X-Shopify-API-Version": "2026-10",
        }
    return {
        "X-WC-Webhook-Topic": planned.topic,
        "X-WC-Webhook-Source": "https://tienda.example/",
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Delivery-ID": f"{number:032x}",
    }


def release(url: str) -> None:
    """Make every held delivery due from when it was received, in one statement."""
    database = connect(url)
    try:
        with database.transaction() as session:
            session.execute(
                update(InboxDelivery)
                .where(InboxDelivery.next_attempt_at == HELD)
                .values(next_attempt_at=InboxDelivery.received_at)
            )
    finally:
        database.dispose()


def outcome(url: str, run: Run) -> None:
    """Read what the run left: deliveries by status, incidents by kind, errors."""
    database = connect(url)
    try:
        with database.reading() as session:
            statuses = session.execute(
                select(InboxDelivery.status, func.count()).group_by(InboxDelivery.status)
            )
            run.statuses = dict(sorted((status, n) for status, n in statuses))
            kinds = session.execute(select(Incident.kind, func.count()).group_by(Incident.kind))
            run.incidents = dict(sorted((kind, n) for kind, n in kinds))
            errors = session.scalars(
                select(InboxDelivery.last_error).where(InboxDelivery.last_error.is_not(None))
            )
            run.errors = [str(error) for error in errors]
    finally:
        database.dispose()


class PendingCounter:
    """Count the pending deliveries through a connection of its own, cheaply and often."""

    QUERY = "SELECT count(*) FROM inbox WHERE status = 'pending'"

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            self._db: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        else:
            import psycopg

            self._db = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)

    def __call__(self) -> int:
        return self._db.execute(self.QUERY).fetchone()[0]

    def close(self) -> None:
        self._db.close()


# --- the workers -----------------------------------------------------------------------


def worker_environment(url: str, instance: Path) -> dict[str, str]:
    """Return the environment of `amends worker`: this database, nothing of the operator's."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AMENDS_", "SHOPIFY_"))
    }
    return inherited | {
        "AMENDS_DATABASE_URL": url,
        "AMENDS_INSTANCE_PATH": str(instance),
        "AMENDS_SECRET_KEY": SECRET_KEY,
        "AMENDS_WORKER_POLL_SECONDS": str(POLL_SECONDS),
    }


@contextlib.contextmanager
def workers(url: str, count: int, workdir: Path) -> Iterator[list[tuple[subprocess.Popen, Path]]]:
    """Start `count` `amends worker` processes; yield them once each has started; stop them."""
    env = worker_environment(url, workdir / "instance")
    started: list[tuple[subprocess.Popen, Path]] = []
    try:
        for number in range(count):
            log = Path(tempfile.mkstemp(prefix=f"worker-{number}-", suffix=".log", dir=workdir)[1])
            with log.open("wb") as log_file:
                process = subprocess.Popen(
                    [str(benchkit.AMENDS), "worker"],
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started.append((process, log))
        for process, log in started:
            benchkit.wait_for_worker(process, log, START_TIMEOUT_SECONDS)
        yield started
    finally:
        for process, log in started:
            stop(process, log)


def stop(process: subprocess.Popen, log: Path) -> None:
    """Stop a worker as an operator does (SIGTERM), or kill it when it does not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise RuntimeError(f"amends worker ignored SIGTERM:\n{benchkit.tail(log)}") from None
    if process.returncode not in (0, -signal.SIGTERM):
        raise RuntimeError(f"amends worker exited with {process.returncode}:\n{benchkit.tail(log)}")


def cpu_seconds(pid: int) -> float:
    """Read the CPU time (user + system) a process has used, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def processed_by(log: Path) -> int:
    """Count the deliveries a worker says it processed (`inbox.processed`/`inbox.ignored`)."""
    text = log.read_text(errors="replace")
    return text.count(" inbox.processed ") + text.count(" inbox.ignored ")


def drain(url: str, run: Run, workdir: Path, sample_memory: bool = False) -> None:
    """Start the workers, release the inbox, and time them until nothing is pending."""
    counter = PendingCounter(url)
    try:
        with workers(url, run.processes, workdir) as started:
            idle_cpu = sum(cpu_seconds(process.pid) for process, _ in started)
            release(url)
            began = time.perf_counter()
            while (pending := counter()) > 0:
                if sample_memory:
                    rss = benchkit.memory_mb(started[0][0].pid, "VmRSS")
                    run.rss_samples_mb.append((run.deliveries - pending, round(rss, 1)))
                time.sleep(POLL_SECONDS)
            run.seconds = time.perf_counter() - began
            run.cpu_seconds = sum(cpu_seconds(process.pid) for process, _ in started) - idle_cpu
            for process, _ in started:
                run.peak_rss_mb.append(round(benchkit.memory_mb(process.pid, "VmHWM"), 1))
        run.by_process = [processed_by(log) for _, log in started]
    finally:
        counter.close()


# --- the ceiling -----------------------------------------------------------------------

ORDER_COLUMNS = (
    "shop_id",
    "platform_order_id",
    "name",
    "status",
    "financial_status",
    "fulfillment_status",
    "customer_email",
    "customer_locale",
    "customer_first_name",
    "currency",
    "total_price",
    "placed_at",
    "paid_at",
    "platform_updated_at",
    "line_items",
    "shipping_total",
    "shipments",
    "created_at",
    "updated_at",
)
LINE_ITEMS = (
    '{"lines": [{"line_item_id": "14620193734713", "product_id": "8790331293753", '
    '"variant_id": "46871046996025", "sku": "TAZA-OLIVAR-350", '
    '"title": "Taza de cer\\u00e1mica \\"Olivar\\"", "quantity": 2}, '
    '{"line_item_id": "14620193767481", "product_id": "8790331326521", '
    '"variant_id": "46871047028793", "sku": "MANTEL-LINO-AZ", "title": "Mantel de lino", '
    '"quantity": 1}]}'
)
SHIPMENTS = (
    '{"parcels": [{"tracking_number": "3230008342012001", "carrier": "Correos Express", '
    '"shipped_at": "2026-11-17T09:00:00+00:00", "tracking_url": null, '
    '"shipment_id": "5170337841209", "status": "in_transit"}]}'
)


def ceiling_statements(dialect: str) -> tuple[str, str, str]:
    """Return the claim, the order upsert and the done mark, in `dialect`'s placeholders."""
    mark = "?" if dialect == "sqlite" else "%s"
    json_value = mark if dialect == "sqlite" else "%s::json"
    values = [json_value if c in ("line_items", "shipments") else mark for c in ORDER_COLUMNS]
    changes = ", ".join(f"{c} = excluded.{c}" for c in ORDER_COLUMNS[2:] if c != "created_at")
    claim = (
        "SELECT id, shop_id, topic, body FROM inbox "
        f"WHERE status = 'pending' AND next_attempt_at <= {mark} "
        "ORDER BY next_attempt_at, id LIMIT 1"
        + (" FOR UPDATE SKIP LOCKED" if dialect == "postgresql" else "")
    )
    upsert = (
        f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES ({', '.join(values)}) "
        f"ON CONFLICT (shop_id, platform_order_id) DO UPDATE SET {changes} "
        "WHERE orders.platform_updated_at IS NULL "
        "OR orders.platform_updated_at <= excluded.platform_updated_at"
    )
    done = (
        f"UPDATE inbox SET status = 'done', attempts = attempts + 1, processed_at = {mark}, "
        f"last_error = NULL WHERE id = {mark}"
    )
    return claim, upsert, done


def order_row(shop_id: int, inbox_id: int, now: Any, stamp: Any) -> tuple:
    """Return an order row like the worker's snapshot of the recorded order."""
    return (
        shop_id,
        f"{6_100_000_000_000 + inbox_id // DELIVERIES_PER_ORDER}",
        f"#{inbox_id // DELIVERIES_PER_ORDER}",
        "open",
        "paid",
        "fulfilled",
        "lucia.fernandez@example.es",
        "es",
        "Lucía",
        "EUR",
        "54.80",
        stamp,
        stamp,
        stamp,
        LINE_ITEMS,
        "5.90",
        SHIPMENTS,
        now,
        now,
    )


def sqlite_ceiling(path: str, ready: Any, go: Any) -> None:
    """Claim, write and commit deliveries through sqlite3 until none is due."""
    db = sqlite3.connect(path, isolation_level=None, timeout=10)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "secure_delete=ON"):
        db.execute(f"PRAGMA {pragma}")
    lock = os.open(path + "-ceiling.lock", os.O_RDWR | os.O_CREAT, 0o600)
    claim, upsert, done = ceiling_statements("sqlite")
    stamp = "2026-11-16 09:12:43.000000"
    ready.wait()
    go.wait()
    while True:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(claim, (now,)).fetchone()
            if row is not None:
                db.execute(upsert, order_row(row[1], row[0], now, stamp))
                db.execute(done, (now, row[0]))
            db.execute("COMMIT")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        if row is None:
            return


def postgres_ceiling(url: str, ready: Any, go: Any) -> None:
    """Claim, write and commit deliveries through psycopg until none is due."""
    import psycopg

    claim, upsert, done = ceiling_statements("postgresql")
    stamp = datetime(2026, 11, 16, 9, 12, 43, tzinfo=UTC)
    with psycopg.connect(url.replace("+psycopg", "")) as db:
        ready.wait()
        go.wait()
        while True:
            now = datetime.now(UTC)
            with db.transaction():
                row = db.execute(claim, (now,), prepare=True).fetchone()
                if row is not None:
                    db.execute(upsert, order_row(row[1], row[0], now, stamp), prepare=True)
                    db.execute(done, (now, row[0]), prepare=True)
            if row is None:
                return


def ceiling(url: str, processes: int) -> float:
    """Run the bare claim-write-commit loop in `processes` processes; return its seconds."""
    context = multiprocessing.get_context("fork")
    ready, go = context.Barrier(processes + 1), context.Event()
    if url.startswith("sqlite:///"):
        target, where = sqlite_ceiling, url.removeprefix("sqlite:///")
    else:
        target, where = postgres_ceiling, url
    children = [context.Process(target=target, args=(where, ready, go)) for _ in range(processes)]
    for child in children:
        child.start()
    ready.wait()
    release(url)
    began = time.perf_counter()
    go.set()
    for child in children:
        child.join()
    seconds = time.perf_counter() - began
    if any(child.exitcode for child in children):
        raise RuntimeError("a ceiling process failed; see its traceback above")
    return seconds


# --- the benchmark ---------------------------------------------------------------------


def measure(
    backend: Backend, processes: int, planned: list[delivery_mix.Planned], workdir: Path
) -> Run:
    """Drain one filled inbox with `processes` workers, and the ceiling on another."""
    run = Run(backend.name, processes, len(planned))
    label = f"{backend.name}, {processes} worker{'s' if processes > 1 else ''}"
    with backend.fresh(workdir) as url:
        progress(f"{label}: filling the inbox with {len(planned)} deliveries")
        prepare(url, planned)
        progress(f"{label}: draining it")
        drain(url, run, workdir)
        outcome(url, run)
    with backend.fresh(workdir) as url:
        progress(f"{label}: ceiling (bare claim, order upsert, commit)")
        prepare(url, planned)
        run.ceiling_seconds = ceiling(url, processes)
    return run


def measure_memory(planned: list[delivery_mix.Planned], workdir: Path) -> Run:
    """Drain `planned` with one worker on SQLite, sampling its resident memory."""
    run = Run("sqlite", 1, len(planned))
    with Backend("sqlite").fresh(workdir) as url:
        progress(f"memory: filling a SQLite inbox with {len(planned)} deliveries")
        prepare(url, planned)
        progress("memory: one worker draining it")
        drain(url, run, workdir, sample_memory=True)
        outcome(url, run)
    return run


# --- the report ------------------------------------------------------------------------


def table(runs: list[Run]) -> list[str]:
    """Format the runs as rows: throughput, ceiling, share of it, peak memory, checks."""
    rows = [
        f"{'database':<11}{'workers':>8}{'deliveries':>11}{'seconds':>9}{'per process/s':>15}"
        f"{'per CPU-s':>11}{'total/s':>9}{'ceiling/s':>11}{'of ceiling':>11}"
        f"{'peak RSS MB':>13}  check"
    ]
    for run in runs:
        ceiling_rate = run.ceiling_per_s
        share = f"{run.total_per_s / ceiling_rate:.0%}" if ceiling_rate else "-"
        rows.append(
            f"{run.backend:<11}{run.processes:>8}{run.deliveries:>11}{run.seconds:>9.1f}"
            f"{run.per_process_per_s:>15.0f}{run.per_cpu_second:>11.0f}{run.total_per_s:>9.0f}"
            f"{(f'{ceiling_rate:.0f}' if ceiling_rate else '-'):>11}{share:>11}"
            f"{max(run.peak_rss_mb, default=0):>13.0f}  {'ok' if run.correct else 'FAILED'}"
        )
    return rows


def details(run: Run, name: str | None = None) -> list[str]:
    """Say what one run processed and opened, and what went wrong if anything did."""
    name = name or f"{run.backend}, {run.processes} worker{'s' if run.processes > 1 else ''}"
    lines = [
        f"{name}: statuses {run.statuses}; "
        f"incidents opened {run.incidents}"
        + (f"; deliveries by process {run.by_process}" if run.processes > 1 else "")
    ]
    if run.errors:
        lines.append(f"  FAILED: {len(run.errors)} deliveries with an error, e.g. {run.errors[0]}")
    return lines


def targets_of(runs: list[Run], memory: Run | None) -> list[tuple[Target, str]]:
    """Hold the figures against their targets; return each with the text that says it."""
    held = []
    for run in runs:
        if run.backend == "sqlite" and run.processes == 1:
            value = run.per_process_per_s
            target = Target(
                "worker on SQLite, 1 process",
                round(value),
                f">= {TARGET_PER_PROCESS:.0f}/s",
                value >= TARGET_PER_PROCESS,
            )
            held.append((target, f"{value:.0f} deliveries/s"))
    if memory is not None:
        peak = max(memory.peak_rss_mb)
        size = f"{memory.deliveries:,} deliveries"
        if memory.deliveries < TARGET_MEMORY_DELIVERIES:
            size += f" (the target names {TARGET_MEMORY_DELIVERIES:,}: --memory-deliveries)"
        target = Target(
            "peak resident memory of a worker",
            peak,
            f"< {TARGET_PEAK_MB:.0f} MB",
            peak < TARGET_PEAK_MB,
        )
        held.append((target, f"{peak:.0f} MB after {size}"))
    return held


def memory_lines(memory: Run) -> list[str]:
    """Show resident memory at quarters of the drain: flat means it does not grow with it."""
    samples = memory.rss_samples_mb
    if not samples:
        return []
    quarters = [samples[min(len(samples) - 1, len(samples) * q // 4)] for q in range(4)]
    shown = ", ".join(f"{done:,} done: {rss:.0f} MB" for done, rss in quarters)
    return [
        f"memory run: {memory.deliveries:,} deliveries in {memory.seconds:.1f}s "
        f"({memory.total_per_s:.0f}/s); resident memory {shown}; "
        f"peak {max(memory.peak_rss_mb):.0f} MB"
    ]


def report(runs: list[Run], memory: Run | None, args: argparse.Namespace, mix: dict) -> bool:
    """Print the table, the targets and the checks; record them; return whether all were right."""
    print(
        f"\namends worker: a store day's mix ({mix['deliveries']} deliveries a run, "
        f"{mix['mean_body_bytes']} bytes a body on average); {os.cpu_count()} CPUs"
    )
    print("\n".join(table(runs)))
    print()
    for run in runs:
        print("\n".join(details(run)))
    if memory is not None:
        print("\n".join(details(memory, "memory run")))
    if memory is not None:
        print("\n".join(memory_lines(memory)))
    opened = {json_key(run.incidents) for run in runs + ([memory] if memory else [])}
    consistent = len({json_key(run.incidents) for run in runs}) <= 1
    if not consistent:
        print(f"FAILED: the runs opened different incidents: {sorted(opened)}")
    held = targets_of(runs, memory)
    print()
    for target, text in held:
        print(target.line(text))
    correct = consistent and all(run.correct for run in [*runs, *([memory] if memory else [])])
    path = benchkit.record(
        "worker",
        vars(args),
        {
            "mix": mix,
            "runs": [as_result(run) for run in runs],
            "memory": as_result(memory) if memory else None,
            "correct": correct,
        },
        [target for target, _ in held],
    )
    benchkit.say_recorded(path)
    return correct


def json_key(counts: dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(counts.items()))


def as_result(run: Run) -> dict[str, Any]:
    """Describe a run for bench/results.json, its rates rounded."""
    result = asdict(run)
    result["errors"] = run.errors[:5]
    step = max(1, len(run.rss_samples_mb) // 20)  # twenty-odd samples tell the trend
    result["rss_samples_mb"] = run.rss_samples_mb[::step]
    result["seconds"] = round(run.seconds, 2)
    result["ceiling_seconds"] = round(run.ceiling_seconds, 2) if run.ceiling_seconds else None
    result["per_process_per_s"] = round(run.per_process_per_s)
    result["cpu_seconds"] = round(run.cpu_seconds, 2)
    result["per_cpu_second"] = round(run.per_cpu_second)
    result["total_per_s"] = round(run.total_per_s)
    result["ceiling_per_s"] = round(run.ceiling_per_s) if run.ceiling_per_s else None
    return result


# --- entry point -----------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    """Read the command line; the defaults take about three minutes on a 2-core machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--deliveries", type=int, default=3000, help="deliveries per throughput run (3000)"
    )
    parser.add_argument(
        "--workers",
        default="1,2",
        help="worker process counts to run, comma-separated (1,2)",
    )
    parser.add_argument(
        "--memory-deliveries",
        type=int,
        default=15_000,
        help="deliveries the memory run drains (15000; the target names 100000; 0 skips it)",
    )
    benchkit.add_database_options(parser)
    args = parser.parse_args()
    args.workers = [int(n) for n in args.workers.split(",") if n.strip()]
    if args.deliveries < 1 or not args.workers or min(args.workers) < 1:
        parser.error("--deliveries and every --workers count must be at least 1")
    return args


def main() -> int:
    """Run every configuration, then the memory run, and print the report."""
    if benchkit.amends_missing():
        return 1
    args = parse_arguments()
    chosen = benchkit.backends(args)
    planned = delivery_mix.plan(max(args.deliveries, args.memory_deliveries))
    mix = delivery_mix.describe(planned[: args.deliveries])
    with tempfile.TemporaryDirectory(prefix="amends-bench-worker-") as tmp:
        workdir = Path(tmp)
        try:
            runs = [
                measure(backend, processes, planned[: args.deliveries], workdir)
                for backend in chosen
                for processes in args.workers
            ]
            memory = (
                measure_memory(planned[: args.memory_deliveries], workdir)
                if args.memory_deliveries
                else None
            )
        except RuntimeError as error:
            print(f"bench: failed: {error}", file=sys.stderr)
            return 1
    return 0 if report(runs, memory, args, mix) else 1


if __name__ == "__main__":
    sys.exit(main())
