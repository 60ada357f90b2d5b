"""Storage: the migrations build exactly the models, and old deliveries are pruned."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from plugin import scheduler, worker
from plugin.storage.models import Base, described
from tests.conftest import fixture_bytes
from tests.helpers import inbox_rows


# SQLite's indexes on an expression (lower(customer_email)) cannot be reflected, so
# there the comparison leaves them out; the next test checks them on both databases.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_the_migrations_create_exactly_what_the_models_describe(runtime):
    with runtime.database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": described}
        )
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_a_customers_orders_and_incidents_are_found_by_an_index_on_their_lowered_address(
    runtime,
):
    query = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        if runtime.database.dialect == "sqlite"
        else "SELECT indexname, indexdef FROM pg_indexes"
    )
    with runtime.database.engine.connect() as connection:
        indexes = dict(connection.exec_driver_sql(query).all())

    for table in ("orders", "incidents"):
        definition = indexes[f"ix_{table}_shop_customer_email"].lower()
        columns = definition.replace("(customer_email)::text", "customer_email")  # PostgreSQL's
        assert table in definition
        assert "(shop_id, lower(customer_email))" in columns


def test_sqlite_runs_in_wal_mode(runtime):
    if runtime.database.dialect != "sqlite":
        pytest.skip("journal modes are SQLite's")
    with runtime.database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_prune_job_deletes_processed_deliveries_past_retention_only(
    shopify_shop, post_shopify, runtime, clock
):
    order = json.loads(fixture_bytes("shopify/orders_create.json"))
    post_shopify("orders/create", order)
    worker.run_once(runtime)
    post_shopify("orders/updated", order)  # still pending: never pruned

    pruned = scheduler.run_job(
        runtime, scheduler.job("inbox.prune"), clock.now() + timedelta(days=31)
    )

    assert pruned.count == 1
    assert [row.topic for row in inbox_rows(runtime)] == ["orders/updated"]


def test_nothing_is_pruned_inside_the_retention_window(shopify_shop, post_shopify, runtime, clock):
    post_shopify("orders/create", fixture_bytes("shopify/orders_create.json"))
    worker.run_once(runtime)

    prune = scheduler.job("inbox.prune")
    assert scheduler.run_job(runtime, prune, clock.now() + timedelta(days=29)).count == 0
    assert len(inbox_rows(runtime)) == 1


def test_a_statement_on_an_autocommit_connection_is_committed_at_once(runtime, shopify_shop):
    rename = text("UPDATE shops SET domain = 'renamed.myshopify.com' WHERE id = :id")
    with runtime.database.autocommit() as connection:
        connection.execute(rename, {"id": shopify_shop})
        with runtime.database.reading() as session:  # another connection, block still open
            assert session.scalar(text("SELECT domain FROM shops")) == "renamed.myshopify.com"
