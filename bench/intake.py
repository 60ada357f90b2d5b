"""Benchmark the durable webhook intake, `POST /webhooks/shopify`, against a ceiling.

What runs: two servers side by side on loopback, under the same gunicorn settings
(those of `amends serve`: workers, threads, worker class, keepalive), loaded one at
a time:

1. Amends (`amends serve`) on a fresh SQLite database in a temporary instance folder,
   with one Shopify shop registered; again on a throw-away PostgreSQL database
   (`--postgres URL`, default AMENDS_TEST_POSTGRES_URL; `--no-postgres` skips it).
2. The ceiling, bench/bare_app.py: Flask that only checks the Shopify HMAC and
   answers 200; what any webhook endpoint must do, without Amends' shop lookup, JSON
   check, database write and logging.

Every request is a distinct delivery: the bytes of tests/fixtures/shopify/orders_create.json,
a valid X-Shopify-Hmac-Sha256, and a unique X-Shopify-Webhook-Id.

What is measured, per server:

- max req/s: closed-loop throughput with wrk (-t2 -c32, after a 2 s warm-up), the
  median of three rounds that take turns: Amends, the bare app, Amends, the bare
  app... so that a slow spell of a shared machine weighs on both alike rather than
  on whichever ran then. The load generator shares the 2 cores with the server, as
  it would with any loopback benchmark, so read this as "this machine, wrk
  included", not as a capacity.
- p50/p99 at a fixed rate of half Amends' max (the bare app is paced at the same
  rate, so the two rows compare like with like). Debian packages wrk but not wrk2,
  and wrk itself is closed-loop: a slow answer delays the next request, so its
  latencies hide queueing (coordinated omission), and a Lua `delay()` would not fix
  that. The fixed-rate run therefore uses the small asyncio client below: request i
  is due at start + i/rate, goes out on the first free keep-alive connection (32),
  and its latency runs from when it was due, not when it was sent, as wrk2 does.
  Asyncio wakes up within about a millisecond, so sub-millisecond figures are
  rounded up by the client, never down.

- beside the worker: one more closed-loop run against Amends while `amends worker`
  works off the inbox those runs filled (tens of thousands of deliveries), with
  how many deliveries it processed meanwhile. The worker holds SQLite's write
  lock for each delivery it processes, so this is what the intake keeps when the
  rest of Amends is busy too. No target: it is printed for the record.

How to read the result: the ratio amends/bare max throughput is the share of the
bare HTTP+HMAC ceiling that the durable intake keeps (target >= 0.6); Amends' p99
at half its max is the latency a platform sees under ordinary load (target < 50 ms).
The script prints the figures and "target missed" when one is; it never fails on
timing. Results go to bench/results.json under "intake" (see bench/benchkit.py).
On a 2-core VM max req/s moves by 10-20 % between runs of the same configuration,
which is why each figure is a median of rounds taken in turns and the rounds are
printed too; still compare several runs, not single digits.

It does check correctness: every 200 must be a stored inbox row and no answer may be
other than 200. wrk stops at its deadline without waiting for the requests still in
flight (up to 32 per run); the server still stores those, so the inbox may hold up
to that many rows more than there were 200s, and the script says how many.

Defaults: 2 workers x 4 threads (gthread), `amends serve`'s own. Against 2x1 (sync),
2x2, 2x8, 2x16, 1x1, 1x4, 1x8, 4x1 and 6x1 on SQLite, no configuration served Amends
better beyond that noise (2x16 raises the ratio only because the bare app slows down
with that many threads). gthread keeps connections alive as Shopify does, and gives
the bare app its highest (hardest) ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import benchkit

ROOT = Path(__file__).resolve().parent.parent
BODY_FILE = ROOT / "tests" / "fixtures" / "shopify" / "orders_create.json"
LUA_SCRIPT = ROOT / "bench" / "deliveries.lua"
HOST = "127.0.0.1"
PATH = "/webhooks/shopify"
SECRET = "shpss_bench_secret_0123456789abcdef"
DOMAIN = "bench.myshopify.com"
TOKEN = "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"  # shaped as Shopify issues them
TRIGGERED_AT = "2026-11-16T09:12:45.123Z"

WRK_THREADS = 2
CONNECTIONS = 32  # wrk's, and the fixed-rate client's keep-alive connections
WARMUP_SECONDS = 2
READY_TIMEOUT_SECONDS = 30
WORKER_START_SECONDS = 3
TARGET_RATIO = 0.6
TARGET_P99_MS = 50.0


@dataclass
class LoadResult:
    """What one load run got back: answers by kind, and what wrk sent and measured."""

    ok: int = 0  # 200 answers
    other: int = 0  # any other status
    socket_errors: str = ""
    sent: int = 0  # deliveries put on the wire
    requests_per_s: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, fixed-rate runs only

    def percentile_ms(self, q: float) -> float:
        """Return the nearest-rank percentile `q` (0..1) of the latencies, in ms."""
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


@dataclass
class ServerResult:
    """Everything measured on one server."""

    name: str
    port: int
    database_url: str | None = None  # Amends' database; None for the bare app
    max_runs: list[LoadResult] = field(default_factory=list)  # one per round
    paced: dict[float, LoadResult] = field(default_factory=dict)  # rate -> fixed-rate run
    runs: list[LoadResult] = field(default_factory=list)  # every run, for the inbox check
    stored: int | None = None  # inbox rows after the server stopped (Amends only)
    env: dict[str, str] = field(default_factory=dict)  # Amends' settings, for `amends worker`
    beside_worker: LoadResult | None = None  # a max run while `amends worker` drains the inbox
    worker_processed: int = 0  # deliveries the worker finished during that run

    @property
    def max_requests_per_s(self) -> float:
        """The median of the rounds' closed-loop throughputs."""
        return statistics.median(run.requests_per_s for run in self.max_runs)

    def total(self, attribute: str) -> int:
        """Sum a counter over every run against this server."""
        return sum(getattr(run, attribute) for run in self.runs)


# --- requests ---------------------------------------------------------------------


def shopify_signature(body: bytes) -> str:
    """Sign like Shopify: base64 of HMAC-SHA256 over the raw body with the app secret."""
    return base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()


def request_bytes(port: int, body: bytes, signature: str, webhook_id: str) -> bytes:
    """Build one delivery as raw HTTP/1.1, headers as Shopify sends them."""
    head = (
        f"POST {PATH} HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        "Content-Type: application/json\r\n"
        "X-Shopify-Topic: orders/create\r\n"
        f"X-Shopify-Shop-Domain: {DOMAIN}\r\n"
        "X-Shopify-API-Version: 2026-10\r\n"
        f"X-Shopify-Webhook-Id: {webhook_id}\r\n"
        f"X-Shopify-Hmac-Sha256: {signature}\r\n"
        f"X-Shopify-Triggered-At: {TRIGGERED_AT}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def run_tag(label: str) -> str:
    """Return a webhook id prefix no other run uses: counters restart with each run."""
    return f"bench-{label}-{secrets.token_hex(4)}"


# --- wrk: maximum throughput ------------------------------------------------------


def run_wrk(port: int, seconds: int, tag: str, signature: str) -> LoadResult:
    """Load the server closed-loop with wrk for `seconds`; return its counts and req/s."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        f"http://{HOST}:{port}{PATH}",
        "--",
        str(BODY_FILE),
        signature,
        tag,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> LoadResult:
    """Read req/s, socket errors and the Lua script's counts out of wrk's report."""
    counts = re.search(r"^bench: sent=(\d+) ok=(\d+) other=(\d+)$", output, re.M)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not counts or not rate:
        raise RuntimeError(f"cannot read wrk's report:\n{output}")
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sent, ok, other = (int(n) for n in counts.groups())
    return LoadResult(
        ok=ok,
        # wrk counts >= 400 as "Non-2xx or 3xx"; the script also counts 1xx-3xx but 200.
        other=max(other, int(non_2xx.group(1)) if non_2xx else 0),
        socket_errors=socket_errors.group(1) if socket_errors else "",
        sent=sent - 1,  # wrk builds one request in its first thread to check the script
        requests_per_s=float(rate.group(1)),
    )


# --- the fixed-rate client: latency without coordinated omission -------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; return its status and whether the connection stays."""
    status = int((await reader.readuntil(b"\r\n")).split()[1])
    length, keep_alive = 0, True
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            keep_alive = value != "close"
    await reader.readexactly(length)
    return status, keep_alive


async def paced_load(
    port: int, rate: float, seconds: int, tag: str, body: bytes, signature: str
) -> LoadResult:
    """Send `rate` deliveries a second for `seconds`, timing each from when it was due.

    Request i is due at start + i/rate and is claimed by the first free connection;
    when all are busy it waits, and that wait counts in its latency, as it would for
    a platform whose deliveries do not slow down because the receiver did.
    """
    loop = asyncio.get_running_loop()
    total = max(1, round(rate * seconds))
    start = loop.time() + 0.1
    claimed = itertools.count()
    result = LoadResult()

    async def connection() -> None:
        stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while (i := next(claimed)) < total:
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            try:
                stream = stream or await asyncio.open_connection(HOST, port)
                stream[1].write(request_bytes(port, body, signature, f"{tag}-{i}"))
                result.sent += 1
                status, keep_alive = await read_response(stream[0])
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                result.socket_errors += f"{type(error).__name__} "
                stream = close(stream)
                continue
            result.latencies.append(loop.time() - due)
            result.ok += status == 200
            result.other += status != 200
            stream = stream if keep_alive else close(stream)
        close(stream)

    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    result.requests_per_s = len(result.latencies) / seconds
    return result


def close(stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None) -> None:
    """Close a client connection, if open; return None to forget it."""
    if stream is not None:
        stream[1].close()


# --- servers -----------------------------------------------------------------------


def free_port() -> int:
    """Return a loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def clean_environment(**settings: str) -> dict[str, str]:
    """Return this process's environment without the operator's Amends/Shopify settings.

    An inherited AMENDS_DATABASE_URL would point the benchmark at a real database.
    """
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AMENDS_", "SHOPIFY_"))
    }
    return inherited | {"SHOPIFY_API_SECRET": SECRET} | settings


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], ready_url: str, log: Path) -> Iterator[None]:
    """Start a server, wait until `ready_url` answers 200, and always stop it after."""
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so its workers can be cleaned up too
        )
        try:
            benchkit.wait_until_ready(process, ready_url, log, READY_TIMEOUT_SECONDS)
            yield
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn gracefully (it finishes requests in progress), or kill its group."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def server_options(port: int, args: argparse.Namespace) -> list[str]:
    """Return the options both servers take, so their gunicorn settings match."""
    return [
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
    ]


def amends(env: dict[str, str], *arguments: str) -> str:
    """Run an `amends` command; return its output, or fail with it."""
    done = subprocess.run(
        [str(benchkit.AMENDS), *arguments], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"amends {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def register_shop(env: dict[str, str]) -> int:
    """Register the benchmark's Shopify shop; return its id (the last line printed)."""
    output = amends(env, "shops", "add", "shopify", "--domain", DOMAIN, "--access-token", TOKEN)
    return int(output.strip().splitlines()[-1])


def count_inbox(database_url: str, where: str = "") -> int:
    """Count the inbox rows (those matching the SQL condition `where`), on SQLite or PostgreSQL."""
    query = "SELECT count(*) FROM inbox" + (f" WHERE {where}" if where else "")
    return int(benchkit.scalar(database_url, query))


def count_processed(database_url: str) -> int:
    """Count the inbox rows the worker has finished with (done or ignored)."""
    return count_inbox(database_url, "status IN ('done', 'ignored')")


# --- the benchmark -----------------------------------------------------------------


def measure(servers: list[ServerResult], args: argparse.Namespace, workdir: Path) -> None:
    """Warm each server up, take its max throughput in rounds, then its latency at fixed rates.

    The rounds take turns (Amends, the bare app, Amends, ...), so that a slow spell
    of the machine weighs on every server alike rather than on whichever ran then.
    Each Amends server is then paced at half its max; the bare app at each of those rates.
    Last, each Amends server is loaded once more beside a busy `amends worker`.
    """
    body, signature = args.body, args.signature
    for server in servers:
        progress(f"  {server.name}: warm-up {WARMUP_SECONDS}s")
        server.runs.append(run_wrk(server.port, WARMUP_SECONDS, run_tag("warmup"), signature))
    for round_number in range(1, args.rounds + 1):
        for server in servers:
            progress(f"  {server.name}: max throughput, round {round_number}, wrk {args.duration}s")
            run = run_wrk(server.port, args.duration, run_tag(f"max{round_number}"), signature)
            server.max_runs.append(run)
            server.runs.append(run)
    amends_servers = [server for server in servers if server.database_url]
    rates = sorted(server.max_requests_per_s / 2 for server in amends_servers)
    for server in servers:
        for rate in [server.max_requests_per_s / 2] if server.database_url else rates:
            progress(f"  {server.name}: fixed rate {rate:.0f}/s for {args.duration}s")
            tag = run_tag(f"paced{rate:.0f}")
            run = asyncio.run(paced_load(server.port, rate, args.duration, tag, body, signature))
            server.paced[rate] = run
            server.runs.append(run)
    for server in amends_servers:
        measure_beside_worker(server, args, workdir)


def measure_beside_worker(server: ServerResult, args: argparse.Namespace, workdir: Path) -> None:
    """Take one max-throughput run while `amends worker` drains the inbox the runs filled.

    The worker processes each delivery in one transaction; on SQLite that holds the
    database's one write lock while it runs, so webhooks get through in the gaps.
    This is the intake's throughput in production, with a backlog to work off.
    """
    log = workdir / f"worker-{server.port}.log"
    command = [str(benchkit.AMENDS), "worker"]
    with log.open("wb") as log_file:
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            time.sleep(WORKER_START_SECONDS)  # let it start and be busy
            progress(f"  {server.name}: beside `amends worker`, wrk {args.duration}s")
            before = count_processed(server.database_url)
            run = run_wrk(server.port, args.duration, run_tag("worker"), args.signature)
            server.worker_processed = count_processed(server.database_url) - before
        finally:
            stop(worker)
    if worker.returncode not in (0, -signal.SIGTERM):
        raise RuntimeError(f"amends worker exited with {worker.returncode}:\n{log.read_text()}")
    server.beside_worker = run
    server.runs.append(run)


@contextlib.contextmanager
def amends_server(
    name: str, args: argparse.Namespace, workdir: Path, database_url: str | None = None
) -> Iterator[ServerResult]:
    """Run `amends serve` on a fresh database: SQLite, or the PostgreSQL URL given.

    Once it has stopped (gracefully: nothing in flight), count what its inbox holds.
    """
    instance = workdir / ("instance-postgresql" if database_url else "instance-sqlite")
    settings = {"AMENDS_INSTANCE_PATH": str(instance)}
    if database_url:
        settings["AMENDS_DATABASE_URL"] = database_url
    env = clean_environment(**settings)
    if database_url:
        amends(env, "db", "upgrade")
    register_shop(env)
    server = ServerResult(
        name, free_port(), database_url or f"sqlite:///{instance / 'amends.sqlite3'}", env=env
    )
    command = [str(benchkit.AMENDS), "serve", *server_options(server.port, args)]
    progress(f"{name}: amends serve on port {server.port}")
    log = workdir / f"{server.port}.log"
    with running(command, env, f"http://{HOST}:{server.port}/healthz", log):
        yield server
    server.stored = count_inbox(server.database_url)


@contextlib.contextmanager
def bare_server(args: argparse.Namespace, workdir: Path) -> Iterator[ServerResult]:
    """Run the bare HMAC-checking Flask app."""
    server = ServerResult("bare flask + hmac", free_port())
    command = [sys.executable, "-m", "bench.bare_app", *server_options(server.port, args)]
    progress(f"bare: port {server.port}")
    ready_url = f"http://{HOST}:{server.port}/"
    with running(command, clean_environment(), ready_url, workdir / "bare.log"):
        yield server


progress = benchkit.progress


# --- the report --------------------------------------------------------------------


def report(
    amends_results: list[ServerResult], bare: ServerResult, args: argparse.Namespace
) -> None:
    """Print the table, the ratio and latency targets, and the inbox check."""
    kind = "gthread" if args.threads > 1 else "sync"
    print(
        f"\nPOST {PATH}: gunicorn {args.workers} workers x {args.threads} threads ({kind}), "
        f"keepalive 5; wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{args.duration}s; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'server':<22}{'max req/s':>11}{'fixed rate':>12}{'p50 ms':>9}{'p99 ms':>9}")
    for result in [*amends_results, bare]:
        for index, (rate, run) in enumerate(result.paced.items()):
            first = f"{result.name:<22}{result.max_requests_per_s:>11.1f}"
            print(
                f"{first if index == 0 else '':<33}{rate:>10.0f}/s"
                f"{run.percentile_ms(0.50):>9.1f}{run.percentile_ms(0.99):>9.1f}"
            )
    print()
    for result in [*amends_results, bare]:
        rounds = ", ".join(f"{run.requests_per_s:.0f}" for run in result.max_runs)
        print(f"{result.name}: max req/s by round {rounds}; the table shows the median")
    for result in amends_results:
        ratio = result.max_requests_per_s / bare.max_requests_per_s
        ((rate, run),) = result.paced.items()
        p99 = run.percentile_ms(0.99)
        print(
            f"{result.name}: amends/bare max throughput {ratio:.2f} "
            + verdict(ratio >= TARGET_RATIO, f">= {TARGET_RATIO}")
        )
        print(
            f"{result.name}: p99 at {rate:.0f}/s (half its max) {p99:.1f} ms "
            + verdict(p99 < TARGET_P99_MS, f"< {TARGET_P99_MS:.0f} ms")
        )
        print(f"{result.name}: {inbox_check(result)}")
        if result.beside_worker is not None:
            seconds = args.duration
            print(
                f"{result.name}: beside `amends worker` draining the inbox: "
                f"{result.beside_worker.requests_per_s:.0f} req/s taken, "
                f"{result.worker_processed / seconds:.0f} deliveries/s processed"
            )
    bare_other = bare.total("other")
    print(f"{bare.name}: non-200 answers {bare_other}" + (" (FAILED)" if bare_other else ""))


def verdict(held: bool, target: str) -> str:
    """Say whether a target held, in words a skimming reader catches."""
    return f"(target {target}: {'ok' if held else 'target missed'})"


def inbox_check(result: ServerResult) -> str:
    """Compare the inbox rows with the 200 answers; say what the difference is."""
    ok, other, sent = result.total("ok"), result.total("other"), result.total("sent")
    errors = " ".join(run.socket_errors for run in result.runs if run.socket_errors)
    stored = result.stored or 0
    unanswered = stored - ok
    line = f"inbox rows {stored}, 200 answers {ok}, non-200 answers {other}"
    if errors:
        line += f", socket errors: {errors}"
    if stored == ok and other == 0:
        return line + " (ok: every 200 is a stored row)"
    if other == 0 and 0 < unanswered <= sent - ok:
        return line + (
            f" (ok: the {unanswered} extra rows are deliveries wrk sent and stopped "
            "waiting for at its deadline; stored, never answered to the client)"
        )
    return line + " (FAILED: inbox and answers disagree)"


def as_result(server: ServerResult, seconds: int) -> dict[str, Any]:
    """Return one server's figures as bench/results.json keeps them."""
    paced = [
        {
            "rate_per_s": round(rate),
            "p50_ms": round(run.percentile_ms(0.50), 1),
            "p99_ms": round(run.percentile_ms(0.99), 1),
        }
        for rate, run in server.paced.items()
    ]
    result: dict[str, Any] = {
        "server": server.name,
        "max_requests_per_s": round(server.max_requests_per_s, 1),
        "rounds_requests_per_s": [round(run.requests_per_s, 1) for run in server.max_runs],
        "paced": paced,
        "non_200": server.total("other"),
    }
    if server.database_url:
        result["inbox_rows"] = server.stored
        result["ok_answers"] = server.total("ok")
    if server.beside_worker is not None:
        result["beside_worker_requests_per_s"] = round(server.beside_worker.requests_per_s, 1)
        result["beside_worker_processed_per_s"] = round(server.worker_processed / seconds, 1)
    return result


def record(
    amends_results: list[ServerResult], bare: ServerResult, args: argparse.Namespace
) -> None:
    """Keep the figures and the targets in bench/results.json under "intake"."""
    targets = []
    for result in amends_results:
        ratio = result.max_requests_per_s / bare.max_requests_per_s
        ((rate, run),) = result.paced.items()
        p99 = run.percentile_ms(0.99)
        targets += [
            benchkit.Target(
                f"{result.name}: amends/bare max throughput",
                round(ratio, 2),
                f">= {TARGET_RATIO}",
                ratio >= TARGET_RATIO,
            ),
            benchkit.Target(
                f"{result.name}: p99 at {rate:.0f}/s (half its max)",
                round(p99, 1),
                f"< {TARGET_P99_MS:.0f} ms",
                p99 < TARGET_P99_MS,
            ),
        ]
    arguments = {
        name: value for name, value in vars(args).items() if name not in ("body", "signature")
    }
    results = [as_result(server, args.duration) for server in [*amends_results, bare]]
    path = benchkit.record("intake", arguments, results, targets)
    benchkit.say_recorded(path)


# --- entry point -------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    """Read the command line; defaults suit a 2-core machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="max-throughput runs per server, taking turns"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both servers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker, both servers")
    benchkit.add_database_options(parser)
    return parser.parse_args()


def main() -> int:
    """Check the tools, run every server in turn, print the report."""
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed; run `apt-get install wrk` and retry", file=sys.stderr)
        return 1
    if benchkit.amends_missing():
        return 1
    args = parse_arguments()
    args.body = BODY_FILE.read_bytes()
    args.signature = shopify_signature(args.body)
    try:
        results, bare = run_all(args)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"bench: failed: {error}", file=sys.stderr)
        return 1
    report(results, bare, args)
    record(results, bare, args)
    return 0


def run_all(args: argparse.Namespace) -> tuple[list[ServerResult], ServerResult]:
    """Start Amends on each backend and the bare app side by side, and measure them in turns."""
    with (
        tempfile.TemporaryDirectory(prefix="amends-bench-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        workdir = Path(tmp)
        results = []
        for backend in benchkit.backends(args):
            # SQLite: the database `amends serve` makes in its own instance folder.
            url = stack.enter_context(backend.fresh(workdir)) if backend.server_url else None
            name = f"amends ({backend.name})"
            results.append(stack.enter_context(amends_server(name, args, workdir, url)))
        bare = stack.enter_context(bare_server(args, workdir))
        measure([*results, bare], args, workdir)
    return results, bare


if __name__ == "__main__":
    sys.exit(main())
