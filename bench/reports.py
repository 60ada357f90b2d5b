"""Time the reason x product report against the same question in plain SQL, on a large table.

A year of one shop's history is generated inside the database (a recursive CTE on
SQLite, generate_series on PostgreSQL): 1,000,000 returned lines over 2,000
products and 11 reasons, and as many order lines. Then, in the same run, each of
these is timed (best of --repeat, the three taking turns):

- report: plugin.reports.return_reasons(..., by="product"), rows built and all;
- plain SQL: the same two GROUP BYs and join written by hand, fetched as tuples;
- GROUP BY: one GROUP BY reason, product over return_lines alone (for scale).

The target: the report within 1.3x the plain SQL. Both give the same figures
(checked). Figures go to bench/results.json under "reports" (see bench/benchkit.py).

    .venv/bin/python bench/reports.py [--rows N] [--repeat R] [--no-postgres]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench import benchkit  # noqa: E402
from plugin.events import CANONICAL_REASONS  # noqa: E402
from plugin.reports import Period, return_reasons  # noqa: E402
from plugin.scope import ShopScope  # noqa: E402
from plugin.storage import migrate  # noqa: E402
from plugin.storage.db import connect  # noqa: E402

TARGET_RATIO = 1.3
PRODUCTS = 2000
REASONS = sorted(CANONICAL_REASONS)
YEAR = Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))

_REASON = "CASE i % {n} {whens} END".format(
    n=len(REASONS), whens=" ".join(f"WHEN {k} THEN '{r}'" for k, r in enumerate(REASONS))
)
_RETURN_COLUMNS = (
    "shop_id, platform, platform_order_id, source_type, source_id, line_key, line_item_id, "
    "product_id, sku, title, reason, quantity, requested_at, created_at, updated_at"
)
_ORDER_COLUMNS = (
    "shop_id, platform, platform_order_id, line_item_id, product_id, sku, title, quantity, "
    "price, currency, ordered_at, counted, created_at, updated_at"
)


def _day(dialect: str) -> str:
    if dialect == "sqlite":
        # as the UTC time column stores it: naive, with microseconds
        return "datetime('2026-01-01', '+' || (i % 365) || ' days') || '.000000'"
    return "(timestamptz '2026-01-01 00:00+00' + (i % 365) * interval '1 day')"


def _numbers(dialect: str, count: int) -> tuple[str, str]:
    """Return the WITH clause and FROM clause that give i = 0 .. count - 1."""
    if dialect == "sqlite":
        last = count - 1
        return (
            f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) ",
            ("FROM n"),
        )
    return "", f"FROM generate_series(0, {count - 1}) AS i"


def generate(url: str, rows: int) -> None:
    """Fill a fresh, migrated database with a shop, `rows` returned lines and order lines."""
    database = connect(url)
    migrate.upgrade(database)
    dialect = database.dialect
    day, now = _day(dialect), "CURRENT_TIMESTAMP"
    cte, numbers = _numbers(dialect, rows)
    product = f"'p' || (i % {PRODUCTS})"
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO shops (id, platform, domain, status, credentials, settings, "
                "created_at, updated_at) VALUES (1, 'shopify', 'bench.myshopify.com', 'active', "
                ":blob, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"blob": b"-"},
        )
        connection.execute(
            text(
                f"{cte}INSERT INTO return_lines ({_RETURN_COLUMNS}) SELECT 1, 'shopify', "
                f"'o' || (i / 3), 'return', 'r' || i, '1', '1', {product}, 's' || (i % 5000), "
                f"'Product ' || (i % {PRODUCTS}), {_REASON}, 1 + i % 3, {day}, {now}, {now} "
                f"{numbers}"
            )
        )
        connection.execute(
            text(
                f"{cte}INSERT INTO order_lines ({_ORDER_COLUMNS}) SELECT 1, 'shopify', "
                f"'o' || i, '1', {product}, 's' || (i % 5000), 'Product ' || (i % {PRODUCTS}), "
                f"1 + i % 4, '12.50', 'EUR', {day}, TRUE, {now}, {now} {numbers}"
            )
        )
        connection.execute(text("ANALYZE"))
    database.dispose()


PLAIN = """
SELECT r.shop_id, r.platform, r.reason, r.product_id, COALESCE(r.title, s.title),
       r.returned_units, COALESCE(s.sold_units, 0), r.without_quantity
FROM (SELECT shop_id, platform, reason, product_id, COALESCE(product_id, '') AS product_key,
             MAX(title) AS title,
             COALESCE(SUM(quantity), 0) AS returned_units,
             SUM(CASE WHEN quantity IS NULL THEN 1 ELSE 0 END) AS without_quantity
      FROM return_lines WHERE requested_at >= :since AND requested_at < :until
      GROUP BY shop_id, platform, reason, product_id) AS r
LEFT OUTER JOIN (SELECT shop_id, COALESCE(product_id, '') AS product_key, MAX(title) AS title,
             SUM(quantity) AS sold_units
      FROM order_lines WHERE ordered_at >= :since AND ordered_at < :until AND counted IS TRUE
      GROUP BY shop_id, product_id) AS s
  ON s.shop_id = r.shop_id AND s.product_key = r.product_key
ORDER BY r.shop_id, r.returned_units DESC, r.reason, r.product_id
"""
GROUP_BY = """
SELECT reason, product_id, SUM(quantity) FROM return_lines
WHERE requested_at >= :since AND requested_at < :until GROUP BY reason, product_id
"""


def _bounds(dialect: str) -> dict[str, Any]:
    """Bind the year as the column type stores it (SQLite: naive UTC text)."""
    if dialect == "sqlite":
        return {k: v.strftime("%Y-%m-%d %H:%M:%S.%f") for k, v in vars(YEAR).items()}
    return dict(vars(YEAR))


def best(repeat: int, *runs: Any) -> list[tuple[float, Any]]:
    """Return, for each of `runs`, its shortest of `repeat` timed runs and its last answer.

    The runs take turns (a, b, c, a, b, c, ...), so a machine whose load changes
    during the benchmark weighs on each alike instead of on whichever ran then.
    """
    times: list[list[float]] = [[] for _ in runs]
    answers: list[Any] = [None for _ in runs]
    for _ in range(repeat):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            answers[index] = run()
            times[index].append(time.perf_counter() - started)
    return [(min(taken), answer) for taken, answer in zip(times, answers, strict=True)]


def measure(url: str, repeat: int) -> dict[str, Any]:
    """Time the report, the plain SQL and the single GROUP BY on one database."""
    database = connect(url)
    bounds = _bounds(database.dialect)
    with database.reading() as session:

        def report() -> list:
            return return_reasons(session, ShopScope.every(), YEAR, "product")

        def plain() -> list:
            return session.execute(text(PLAIN), bounds).all()

        def group_by() -> list:
            return session.execute(text(GROUP_BY), bounds).all()

        (plain_seconds, plain_rows), (report_seconds, report_rows), (group_seconds, _) = best(
            repeat, plain, report, group_by
        )
    database.dispose()
    same = [(r.reason, r.product_id, r.returned_units, r.sold_units) for r in report_rows] == [
        (row[2], row[3], int(row[5]), int(row[6])) for row in plain_rows
    ]
    return {
        "backend": database.dialect,
        "rows": len(report_rows),
        "report_seconds": round(report_seconds, 3),
        "plain_sql_seconds": round(plain_seconds, 3),
        "group_by_seconds": round(group_seconds, 3),
        "ratio": round(report_seconds / plain_seconds, 3),
        "same_figures": same,
    }


def main() -> int:
    """Generate, measure on each backend, print, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="returned lines (1000000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each, best kept (3)")
    benchkit.add_database_options(parser)
    args = parser.parse_args()
    results = []
    with TemporaryDirectory(prefix="amends-bench-reports-") as tmp:
        for backend in benchkit.backends(args):
            with backend.fresh(Path(tmp)) as url:
                benchkit.progress(f"bench: {backend.name}: generating {args.rows:,} lines of each")
                generate(url, args.rows)
                benchkit.progress(f"bench: {backend.name}: timing")
                results.append(measure(url, args.repeat))
    print(f"\nreason x product report over {args.rows:,} returned lines and as many order lines")
    header = ("backend", "rows", "report s", "plain s", "GROUP BY s", "ratio")
    print("{:<12}{:>7}{:>10}{:>10}{:>12}{:>8}".format(*header))
    for r in results:
        print(
            f"{r['backend']:<12}{r['rows']:>7}{r['report_seconds']:>10.3f}"
            f"{r['plain_sql_seconds']:>10.3f}{r['group_by_seconds']:>12.3f}{r['ratio']:>8.2f}"
        )
    targets = [
        benchkit.Target(
            f"report / plain SQL on {r['backend']}",
            r["ratio"],
            f"<= {TARGET_RATIO}x",
            r["ratio"] <= TARGET_RATIO,
        )
        for r in results
    ]
    print()
    for target in targets:
        print(target.line(f"{target.value:.2f}x"))
    correct = all(r["same_figures"] for r in results)
    if not correct:
        print("FAILED: the report and the plain SQL gave different figures")
    path = benchkit.record("reports", vars(args), results, targets)
    benchkit.say_recorded(path)
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
