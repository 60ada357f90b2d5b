"""Inbox query and render with 100,000 incidents: the panel's p95 server time.

One shop holds 100,000 incidents (another holds 1,000, so the shop scope has rows to
leave out). Each request goes through the whole app in-process (Flask's test client:
authentication, the scoped query, the counts per status, Jinja rendering or JSON),
timed from the request to the last byte of the answer:

- the inbox page (`/admin`, 50 newest), the same filtered (open, one kind) and
  searched (a customer's e-mail), and the page at the very end of the keyset;
- the JSON API's list (`/admin/api/incidents`) and counts.

The ceiling is a bare Flask endpoint in the same process that renders 50 rows of
fixed data through a Jinja template: what any page of Flask costs here, before a
query. Target: p95 < 50 ms for every request. Figures go to bench/results.json
("admin"). Run from the project root: `.venv/bin/python bench/admin.py`.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import benchkit
import jwt
from benchkit import Backend, Target, progress
from flask import Flask, render_template_string

from plugin.app import create_app
from plugin.clock import FixedClock
from plugin.runtime import build_runtime
from plugin.shops import add_shop
from plugin.storage import migrate

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
API_KEY = "bench-api-key"
SECRET = "shpss_bench_client_secret_0123456789ab"
SECRET_KEY = "bench-secret-key-not-for-production"
OTHER_SHOP_INCIDENTS = 1_000
TARGET_MS = 50.0
KINDS = ("delayed_shipment", "defective_item", "wrong_item", "not_as_described")
STATUSES = ("open", "acknowledged", "in_progress", "resolved", "resolved", "closed")
COLUMNS = (
    "shop_id",
    "platform_order_id",
    "order_name",
    "kind",
    "status",
    "open_key",
    "customer_email",
    "locale",
    "created_at",
    "updated_at",
)


def stamp(moment: datetime, dialect: str) -> Any:
    """Write a time as SQLAlchemy stores it: naive UTC text on SQLite, aware on PostgreSQL."""
    if dialect == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def incident_rows(count: int, shop: int, dialect: str) -> Iterator[tuple]:
    """Yield incidents a minute apart, oldest first, of every kind and status."""
    start = NOW - timedelta(minutes=count)
    for number in range(count):
        status = STATUSES[number % len(STATUSES)]
        kind = KINDS[number % len(KINDS)]
        order_id = f"{shop}{number:09d}"
        created = stamp(start + timedelta(minutes=number), dialect)
        open_key = f"{kind}:{order_id}" if status not in ("resolved", "closed") else None
        yield (
            shop,
            order_id,
            f"#{10_000 + number}",
            kind,
            status,
            open_key,
            f"customer{number}@example.com",
            "en",
            created,
            created,
        )


def load(runtime: Any, url: str, counts: dict[int, int]) -> None:
    """Insert the incidents with the driver (executemany on SQLite, COPY on PostgreSQL)."""
    if runtime.database.dialect == "sqlite":
        db = sqlite3.connect(str(runtime.database.file), isolation_level=None)
        db.execute("BEGIN")
        marks = ", ".join("?" for _ in COLUMNS)
        for shop, count in counts.items():
            db.executemany(
                f"INSERT INTO incidents ({', '.join(COLUMNS)}) VALUES ({marks})",
                incident_rows(count, shop, "sqlite"),
            )
        db.execute("COMMIT")
        db.execute("ANALYZE")
        db.close()
        return
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as db:
        with db.cursor().copy(f"COPY incidents ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for shop, count in counts.items():
                for row in incident_rows(count, shop, "postgresql"):
                    copy.write_row(row)
        db.commit()
        db.autocommit = True
        # What autovacuum does after a load: incident_counts too, whose rows the
        # triggers updated once per incident within the COPY's one transaction.
        db.execute("VACUUM ANALYZE")


def build(url: str, count: int, workdir: Path) -> tuple[Any, int]:
    """Migrate, add two shops and their incidents; return the runtime and the big shop."""
    runtime = build_runtime(
        workdir / "instance",
        overrides={
            "database_url": url,
            "secret_key": SECRET_KEY,
            "shopify_api_key": API_KEY,
            "shopify_api_secret": SECRET,
        },
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
            for number in range(2)
        ]
    load(runtime, url, {shops[0]: count, shops[1]: OTHER_SHOP_INCIDENTS})
    return runtime, shops[0]


def newest_incident(runtime: Any, shop: int) -> int:
    """Return the id of the shop's newest incident (the first row of its inbox)."""
    from sqlalchemy import func, select

    from plugin.storage.models import Incident

    with runtime.database.reading() as session:
        return int(session.scalar(select(func.max(Incident.id)).where(Incident.shop_id == shop)))


def session_token(shop: str) -> str:
    stamp_now = int(NOW.timestamp())
    claims = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": API_KEY,
        "sub": "1",
        "exp": stamp_now + 60,
        "nbf": stamp_now - 5,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


@dataclass
class Timing:
    """One request, timed `rounds` times."""

    backend: str
    name: str
    milliseconds: list[float]

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.milliseconds, n=20)[-1]

    @property
    def median(self) -> float:
        return statistics.median(self.milliseconds)


def timed(call: Callable[[], Any], rounds: int, check: Callable[[Any], bool]) -> list[float]:
    """Time `call` `rounds` times after two warm-up calls; refuse a wrong answer."""
    for _ in range(2):
        if not check(call()):
            raise SystemExit("bench: the panel answered wrongly; see the request above")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - started) * 1000)
    if not check(answer):
        raise SystemExit("bench: the panel answered wrongly")
    return times


def measure(backend: Backend, count: int, rounds: int, workdir: Path) -> list[Timing]:
    """Build the database and time each request on it."""
    with backend.fresh(workdir) as url:
        progress(f"bench: {backend.name}: loading {count:,} incidents")
        runtime, shop = build(url, count, workdir)
        try:
            client = create_app(runtime=runtime).test_client()
            domain = "bench-0.myshopify.com"
            page = client.get(f"/admin?shop={domain}&embedded=1&id_token={session_token(domain)}")
            panel_pass = page.get_data(as_text=True).split('name="pass" value="')[1].split('"')[0]
            api = {"Authorization": f"Bearer {session_token(domain)}"}
            last_page = "51"  # the keyset's end: the shop's 50 oldest (its ids start at 1)
            requests: dict[str, tuple[Callable[[], Any], Callable[[Any], bool]]] = {
                "inbox page": (
                    lambda: client.get("/admin", query_string={"pass": panel_pass}),
                    lambda r: r.status_code == 200 and f"{count:,}".replace(",", "") in r.text,
                ),
                "inbox, open delayed shipments": (
                    lambda: client.get(
                        "/admin",
                        query_string={
                            "pass": panel_pass,
                            "status": "open",
                            "kind": "delayed_shipment",
                        },
                    ),
                    lambda r: r.status_code == 200,
                ),
                "inbox, search a customer": (
                    lambda: client.get(
                        "/admin", query_string={"pass": panel_pass, "q": "customer77@example.com"}
                    ),
                    lambda r: r.status_code == 200 and "#10077" in r.text,
                ),
                "inbox, last keyset page": (
                    lambda: client.get(
                        "/admin", query_string={"pass": panel_pass, "cursor": last_page}
                    ),
                    lambda r: r.status_code == 200 and "#10000" in r.text,
                ),
                "API list": (
                    lambda: client.get("/admin/api/incidents", headers=api),
                    lambda r: (
                        r.status_code == 200
                        and len(r.json) == 50
                        and r.headers["X-Total-Count"] == str(count)
                    ),
                ),
                "API counts": (
                    lambda: client.get("/admin/api/incidents/counts", headers=api),
                    lambda r: r.status_code == 200 and sum(r.json.values()) == count,
                ),
            }
            timings = []
            for name, (call, check) in requests.items():
                progress(f"bench: {backend.name}: {name}")
                timings.append(Timing(backend.name, name, timed(call, rounds, check)))
            return timings
        finally:
            runtime.database.dispose()


ROWS = """<table>{% for row in rows %}<tr><td><a href="/i/{{ row.id }}">{{ row.order }}</a></td>
<td>{{ row.kind }}</td><td>{{ row.status }}</td><td>{{ row.email }}</td></tr>{% endfor %}</table>"""


def ceiling(rounds: int) -> Timing:
    """Time a bare Flask endpoint that renders 50 fixed rows through Jinja."""
    app = Flask("bare")
    rows = [
        {
            "id": n,
            "order": f"#{n}",
            "kind": "delayed_shipment",
            "status": "open",
            "email": f"c{n}@e.com",
        }
        for n in range(50)
    ]

    @app.get("/")
    def page() -> str:
        return render_template_string(ROWS, rows=rows)

    client = app.test_client()
    return Timing(
        "none",
        "bare Flask page, 50 rows",
        timed(lambda: client.get("/"), rounds, lambda r: r.status_code == 200),
    )


def report(timings: list[Timing], bare: Timing, args: argparse.Namespace) -> bool:
    """Print the figures beside the ceiling and record them; True when all were right."""
    print(f"\nInbox with {args.incidents:,} incidents in one shop, {args.rounds} requests each")
    print(f"{'database':<11} {'request':<32} {'median ms':>10} {'p95 ms':>8}")
    for timing in [bare, *timings]:
        print(f"{timing.backend:<11} {timing.name:<32} {timing.median:>10.1f} {timing.p95:>8.1f}")
    targets = [
        Target(
            f"{t.backend} {t.name} p95 ms",
            round(t.p95, 1),
            f"< {TARGET_MS:.0f} ms",
            t.p95 < TARGET_MS,
        )
        for t in timings
    ]
    print()
    for target in targets:
        print(target.line(f"{target.value} ms"))
    results = [
        {
            "database": t.backend,
            "request": t.name,
            "median_ms": round(t.median, 2),
            "p95_ms": round(t.p95, 2),
        }
        for t in [bare, *timings]
    ]
    path = benchkit.record("admin", vars(args), results, targets)
    benchkit.say_recorded(path)
    return True


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--incidents", type=int, default=100_000, help="incidents of the shop (100000)"
    )
    parser.add_argument("--rounds", type=int, default=200, help="timed requests of each kind (200)")
    benchkit.add_database_options(parser)
    args = parser.parse_args()
    if args.incidents < 100 or args.rounds < 20:
        parser.error("--incidents must be at least 100 and --rounds at least 20")
    return args


def main() -> int:
    args = parse_arguments()
    chosen = benchkit.backends(args)
    bare = ceiling(args.rounds)
    with tempfile.TemporaryDirectory(prefix="amends-bench-admin-") as tmp:
        timings = [
            t
            for backend in chosen
            for t in measure(backend, args.incidents, args.rounds, Path(tmp))
        ]
    return 0 if report(timings, bare, args) else 1


if __name__ == "__main__":
    sys.exit(main())
