"""Benchmark the whole pipeline: a signed webhook in, an incident, its message at the SMTP server.

What runs, for each database (SQLite, and PostgreSQL unless --no-postgres): a fresh
database with one Shopify shop whose policy compensates nothing (so every incident
ends in one message, the customer's acknowledgement, and no store call), the SMTP
sandbox (sandboxes/mail) on loopback in this process, and Amends as an operator
runs it: `amends serve` (gunicorn, its own defaults: 2 workers x 4 threads) and
one `amends worker`, both real subprocesses, the worker sending to that SMTP server.

An incident here is two signed Shopify deliveries, an order (orders/create) and a
defective return of it (returns/request), each order with its own customer; the
worker opens a defective_item incident for the return and e-mails that customer.
Deliveries are posted by --clients (8) threads, each posting an order and then its
return, so the worker always meets the order first.

Three phases; the first and the last each post --incidents (100) new orders:

1. intake alone: the deliveries posted while no worker runs; incidents whose two
   deliveries were taken (200) per second, from the first post to the last answer.
2. worker alone: `amends worker` started on that backlog; incidents whose message
   reached the SMTP server per second, from its `worker.started` line (start-up
   happens once, and is left out) to the last message.
3. the pipeline: the worker still running, new deliveries posted as in (1); the
   figure is incidents whose message reached the SMTP server per second, from the
   first post to the last message. A platform sees this rate when it keeps sending.

The ceiling, measured in the same run: as many bare SMTP sends (smtplib, one
session per message as Amends opens them) of the messages Amends sent, to a second
sandbox server in this process. It is the rate at which messages can reach a
server on this machine at all; the pipeline's share of it is printed beside. The
stages alone (1, 2) are printed too, to say which one bounds the pipeline.

Peak memory: after the pipeline phase, VmHWM (/proc/<pid>/status, the peak
resident memory since the process started) of each gunicorn worker process of
`amends serve` and of the `amends worker` process. Targets: < 150 MB per web worker,
< 200 MB per worker process.

Correctness, checked after the phases: every delivery answered 200, one
incident per order, and one message per customer at the SMTP server (exactly
once). A run that breaks one of these exits 1; a missed target never does.
Results go to bench/results.json under "pipeline" (see bench/benchkit.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import benchkit
import intake
import requests
from benchkit import Backend, Target

from sandboxes.mail import Mailbox, running

ROOT = benchkit.ROOT
FIXTURES = ROOT / "tests" / "fixtures" / "shopify"
ORDER = json.loads((FIXTURES / "orders_create.json").read_bytes())
RETURN = json.loads((FIXTURES / "returns_request.json").read_bytes())
SENDER = "care@amends.example"
WEB_TARGET_MB = 150.0
WORKER_TARGET_MB = 200.0
progress = benchkit.progress


class TimedMailbox(Mailbox):
    """The SMTP sandbox's mailbox, which also notes when each message was accepted."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[float] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Accept as the sandbox does, and note the moment."""
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250"):
            with self.lock:
                self.arrivals.append(time.monotonic())
        return reply

    def count(self) -> int:
        """Return how many messages were accepted so far."""
        with self.lock:
            return len(self.arrivals)


# --- deliveries --------------------------------------------------------------------


def an_order(number: int) -> bytes:
    """Order `number`, placed by its own customer."""
    email = f"customer{number}@example.es"
    body = ORDER | {"id": 5_830_000_000 + number, "name": f"#{number}", "email": email}
    return json.dumps(body | {"customer": ORDER["customer"] | {"email": email}}).encode()


def a_return(number: int) -> bytes:
    """A defective return of order `number`."""
    body = RETURN | {
        "id": 9_120_000_000 + number,
        "order": {"id": 5_830_000_000 + number},
        "name": f"#R{number}",
    }
    return json.dumps(body).encode()


def headers(body: bytes, topic: str, webhook_id: str) -> dict[str, str]:
    """Return the headers Shopify sends with `body`, signed with the benchmark's secret."""
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": intake.DOMAIN,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Hmac-Sha256": intake.shopify_signature(body),
        "X-Shopify-Triggered-At": intake.TRIGGERED_AT,
    }


def post_incidents(url: str, numbers: range, clients: int) -> Counter:
    """Post an order and its return for each number from `clients` threads; count the answers."""
    local = threading.local()

    def deliver(number: int) -> list[int]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        codes = []
        for topic, body in (
            ("orders/create", an_order(number)),
            ("returns/request", a_return(number)),
        ):
            answer = session.post(
                f"{url}/webhooks/shopify",
                data=body,
                headers=headers(body, topic, f"bench-{topic}-{number}"),
                timeout=60,
            )
            codes.append(answer.status_code)
        return codes

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return Counter(code for codes in pool.map(deliver, numbers) for code in codes)


# --- processes ---------------------------------------------------------------------


def environment(instance: Path, database_url: str | None, smtp_port: int) -> dict[str, str]:
    """Return the settings `amends serve` and `amends worker` share in this run."""
    settings = {
        "AMENDS_INSTANCE_PATH": str(instance),
        "AMENDS_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "AMENDS_SMTP_SENDER": SENDER,
        "AMENDS_WORKER_POLL_SECONDS": "0.05",
    }
    if database_url:
        settings["AMENDS_DATABASE_URL"] = database_url
    return intake.clean_environment(**settings)


def prepare(env: dict[str, str], workdir: Path, database_url: str | None) -> None:
    """Migrate, register the shop, and give it a policy without rules."""
    if database_url:
        intake.amends(env, "db", "upgrade")
    shop = intake.register_shop(env)
    policy = workdir / "no-compensation.json"
    policy.write_text(json.dumps({"rules": []}))
    intake.amends(env, "policy", "import", "--shop", str(shop), str(policy))


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Run `amends worker` while the block runs; stop it after (SIGTERM, then SIGKILL)."""
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(benchkit.AMENDS), "worker"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        intake.stop(process)


def wait_for_messages(
    mailbox: TimedMailbox, count: int, process: subprocess.Popen, log: Path, timeout: float
) -> float:
    """Wait until the mailbox holds `count` messages; return when the last one arrived."""
    deadline = time.monotonic() + timeout
    while mailbox.count() < count:
        if process.poll() is not None:
            raise RuntimeError(
                f"amends worker exited with {process.returncode}:\n{benchkit.tail(log)}"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{mailbox.count()} of {count} messages after {timeout:.0f} s:\n"
                + benchkit.tail(log)
            )
        time.sleep(0.02)
    with mailbox.lock:
        return mailbox.arrivals[count - 1]


def serve_pid(port: int) -> int:
    """Return the pid of the process listening on `port` (gunicorn's arbiter)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # LISTEN
            inode = fields[9]
    if inode is None:
        raise RuntimeError(f"nothing listens on port {port}")
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        with contextlib.suppress(OSError):
            if fd.readlink().name == f"socket:[{inode}]":
                return int(fd.parts[2])
    raise RuntimeError(f"cannot find the process listening on port {port}")


# --- the benchmark -----------------------------------------------------------------


@dataclass
class Measurement:
    """What one backend's run measured."""

    backend: str
    incidents: int
    intake_seconds: float = 0.0
    worker_seconds: float = 0.0
    pipeline_seconds: float = 0.0
    ceiling_seconds: float = 0.0
    web_peak_mb: list[float] = field(default_factory=list)  # each gunicorn worker's VmHWM
    arbiter_peak_mb: float = 0.0  # gunicorn's arbiter: starts workers, serves nothing
    worker_peak_mb: float = 0.0
    answers: dict[str, int] = field(default_factory=dict)
    stored_incidents: int = 0
    messages: int = 0
    distinct_recipients: int = 0

    def per_s(self, seconds: float) -> float:
        """Incidents per second over `seconds`."""
        return self.incidents / seconds if seconds else 0.0

    @property
    def correct(self) -> bool:
        """Every delivery taken, one incident per order, one message per customer."""
        orders = 2 * self.incidents  # the intake's and the pipeline's
        return (
            self.answers == {"200": 2 * orders}
            and self.stored_incidents == orders
            and self.messages == orders == self.distinct_recipients
        )


def measure(backend: Backend, args: argparse.Namespace, workdir: Path) -> Measurement:
    """Run the three phases and the ceiling on a fresh database of `backend`."""
    result = Measurement(backend.name, args.incidents)
    n = args.incidents
    instance = workdir / f"instance-{backend.name}"
    mailbox = TimedMailbox()
    answers: Counter = Counter()
    with (
        backend.fresh(workdir) if backend.server_url else contextlib.nullcontext() as url,
        running(mailbox) as smtp,
    ):
        env = environment(instance, url, smtp.port)
        database_url = url or f"sqlite:///{instance / 'amends.sqlite3'}"
        prepare(env, workdir, url)
        port = intake.free_port()
        command = [str(benchkit.AMENDS), "serve", "--host", intake.HOST, "--port", str(port)]
        base = f"http://{intake.HOST}:{port}"
        web_log, worker_log = (
            workdir / f"serve-{backend.name}.log",
            workdir / f"worker-{backend.name}.log",
        )
        progress(f"bench: {backend.name}: amends serve on port {port}")
        with intake.running(command, env, f"{base}/healthz", web_log):
            progress(f"bench: {backend.name}: intake alone, {n} incidents")
            started = time.monotonic()
            answers += post_incidents(base, range(n), args.clients)
            result.intake_seconds = time.monotonic() - started

            progress(f"bench: {backend.name}: worker alone on that backlog")
            with worker(env, worker_log) as process:
                started = benchkit.wait_for_worker(process, worker_log, args.timeout)
                done = wait_for_messages(mailbox, n, process, worker_log, args.timeout)
                result.worker_seconds = done - started

                progress(f"bench: {backend.name}: the pipeline, {n} incidents")
                started = time.monotonic()
                answers += post_incidents(base, range(n, 2 * n), args.clients)
                done = wait_for_messages(mailbox, 2 * n, process, worker_log, args.timeout)
                result.pipeline_seconds = done - started

                time.sleep(1)  # a message sent twice would arrive now
                arbiter = serve_pid(port)
                result.web_peak_mb = [
                    benchkit.memory_mb(pid) for pid in benchkit.descendants(arbiter)
                ]
                result.arbiter_peak_mb = benchkit.memory_mb(arbiter)
                result.worker_peak_mb = benchkit.memory_mb(process.pid)
        messages = mailbox.messages()
        envelopes = list(mailbox.envelopes)
        query = "SELECT count(*) FROM incidents"
        result.stored_incidents = int(benchkit.scalar(database_url, query))
    result.answers = {str(code): count for code, count in sorted(answers.items())}
    result.messages = len(messages)
    result.distinct_recipients = len({str(message["To"]) for message in messages})
    progress(f"bench: {backend.name}: {n} bare SMTP sends, the ceiling")
    result.ceiling_seconds = bare_smtp(envelopes[:n])
    return result


def bare_smtp(envelopes: list[Any]) -> float:
    """Send the bytes that arrived again with smtplib, one session each, to a fresh sandbox."""
    mailbox = Mailbox()
    with running(mailbox) as smtp:
        started = time.monotonic()
        for envelope in envelopes:
            with smtplib.SMTP("127.0.0.1", smtp.port, timeout=30) as client:
                client.sendmail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
        seconds = time.monotonic() - started
    if len(mailbox.envelopes) != len(envelopes):
        raise RuntimeError("the bare SMTP sends did not all arrive")
    return seconds


# --- the report --------------------------------------------------------------------


def targets_of(results: list[Measurement]) -> list[Target]:
    """Hold each run's peak memory against its target."""
    targets = []
    for r in results:
        web = max(r.web_peak_mb, default=0.0)
        targets += [
            Target(
                f"{r.backend}: peak memory of a web worker",
                round(web, 1),
                f"< {WEB_TARGET_MB:.0f} MB",
                web < WEB_TARGET_MB,
            ),
            Target(
                f"{r.backend}: peak memory of the worker process",
                round(r.worker_peak_mb, 1),
                f"< {WORKER_TARGET_MB:.0f} MB",
                r.worker_peak_mb < WORKER_TARGET_MB,
            ),
        ]
    return targets


def as_result(r: Measurement) -> dict[str, Any]:
    """Return one run as bench/results.json keeps it: the raw figures and the rates."""
    return asdict(r) | {
        "intake_per_s": round(r.per_s(r.intake_seconds), 1),
        "worker_per_s": round(r.per_s(r.worker_seconds), 1),
        "pipeline_per_s": round(r.per_s(r.pipeline_seconds), 1),
        "ceiling_per_s": round(r.per_s(r.ceiling_seconds), 1),
        "correct": r.correct,
    }


def report(results: list[Measurement], args: argparse.Namespace) -> bool:
    """Print the figures beside the ceiling, the memory and the checks; record them."""
    print(
        f"\nwebhook in -> incident -> message at the SMTP server: {args.incidents} incidents "
        f"a phase (2 deliveries each), {args.clients} clients; amends serve 2x4, 1 worker"
    )
    print(
        f"{'database':<12}{'pipeline/s':>11}{'ceiling/s':>11}{'share':>8}"
        f"{'intake alone/s':>16}{'worker alone/s':>16}"
    )
    for r in results:
        pipeline, ceiling = r.per_s(r.pipeline_seconds), r.per_s(r.ceiling_seconds)
        print(
            f"{r.backend:<12}{pipeline:>11.1f}{ceiling:>11.1f}{pipeline / ceiling:>8.1%}"
            f"{r.per_s(r.intake_seconds):>16.1f}{r.per_s(r.worker_seconds):>16.1f}"
        )
    print("(ceiling: bare SMTP sends of the same messages, one session each)\n")
    for r in results:
        webs = ", ".join(f"{mb:.0f}" for mb in r.web_peak_mb)
        print(
            f"{r.backend}: peak memory: web workers {webs} MB (gunicorn's arbiter "
            f"{r.arbiter_peak_mb:.0f} MB), worker {r.worker_peak_mb:.0f} MB"
        )
    targets = targets_of(results)
    for target in targets:
        print(target.line(f"{target.value:.0f} MB"))
    correct = True
    for r in results:
        verdict = "ok" if r.correct else "FAILED"
        print(
            f"{r.backend}: answers {r.answers}, incidents {r.stored_incidents}, messages "
            f"{r.messages} to {r.distinct_recipients} customers ({verdict}: one each expected)"
        )
        correct &= r.correct
    arguments = {k: v for k, v in vars(args).items()}
    path = benchkit.record("pipeline", arguments, [as_result(r) for r in results], targets)
    benchkit.say_recorded(path)
    return correct


# --- entry point -------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    """Read the command line; the defaults take about a minute on a 2-core machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100, help="incidents a phase (100)")
    parser.add_argument("--clients", type=int, default=8, help="threads posting deliveries (8)")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds to wait for a phase's messages (600)"
    )
    benchkit.add_database_options(parser)
    args = parser.parse_args()
    if args.incidents < 1 or args.clients < 1:
        parser.error("--incidents and --clients must be at least 1")
    return args


def main() -> int:
    """Run every backend in turn, print the report."""
    if benchkit.amends_missing():
        return 1
    args = parse_arguments()
    chosen = benchkit.backends(args)
    with tempfile.TemporaryDirectory(prefix="amends-bench-pipeline-") as tmp:
        try:
            results = [measure(backend, args, Path(tmp)) for backend in chosen]
        except RuntimeError as error:
            print(f"bench: failed: {error}", file=sys.stderr)
            return 1
    return 0 if report(results, args) else 1


if __name__ == "__main__":
    sys.exit(main())
