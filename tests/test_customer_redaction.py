"""customers/redact: afterwards the customer's e-mail, phone and name are nowhere in the store.

Not in any row of any table (the redaction request's own payload included), and on
SQLite not in the bytes of the database file or its write-ahead log either: a freed
page or an old copy of a page still holds what a row held.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from sqlalchemy import MetaData, event, select
from sqlalchemy.exc import SAWarning

from plugin import worker
from plugin.runtime import Runtime
from tests.conftest import fixture_bytes

EMAIL = "lucia.fernandez@example.es"
PHONE = "+34612345678"
FIRST_NAME = "Lucía"


def order_with_phone() -> dict:
    """Return the recorded order with the customer's phone filled in and more lines.

    Its payload outgrows a 4 KiB page, as most real orders do: SQLite keeps the rest
    on overflow pages, which the redaction frees.
    """
    order = json.loads(fixture_bytes("shopify/orders_create.json"))
    order["phone"] = order["customer"]["phone"] = order["shipping_address"]["phone"] = PHONE
    line = order["line_items"][0]
    order["line_items"] += [line | {"id": line["id"] + n} for n in range(1, 4)]
    return order


def customer_request() -> dict:
    """Return the customers/redact payload, naming the customer by e-mail and phone."""
    request = json.loads(fixture_bytes("shopify/customers_redact.json"))
    request["customer"]["phone"] = PHONE
    return request


def other_order() -> dict:
    """Return an order of another customer, who stays as they are."""
    order = json.loads(fixture_bytes("shopify/orders_create.json"))
    order["id"] = order["customer"]["id"] = 5830194999999
    order["email"] = order["contact_email"] = order["customer"]["email"] = "otro@example.es"
    order["customer"]["first_name"] = order["shipping_address"]["first_name"] = "Carmen"
    order["shipping_address"]["name"] = "Carmen Ortega"
    return order


def redact(post_shopify, runtime: Runtime) -> Runtime:
    """Let the customer order, return and ask what is held; then have them redacted."""
    post_shopify("orders/create", order_with_phone())
    post_shopify("orders/create", other_order())
    post_shopify("returns/request", fixture_bytes("shopify/returns_request.json"))
    asked_by_phone = {
        "shop_id": 61203939385,
        "shop_domain": "amends-demo.myshopify.com",
        "customer": {"id": 7390281105465, "email": None, "phone": PHONE},
        "orders_requested": [],
        "data_request": {"id": 9999},
    }
    post_shopify("customers/data_request", asked_by_phone)
    worker.run_once(runtime)
    post_shopify("customers/redact", customer_request())
    assert worker.run_once(runtime) == 1
    return runtime


@pytest.fixture
def redacted(shopify_shop, post_shopify, runtime: Runtime) -> Runtime:
    return redact(post_shopify, runtime)


def every_row(runtime: Runtime) -> list[tuple[str, tuple]]:
    """Return every row of every table the database holds, named by table."""
    tables = MetaData()
    with warnings.catch_warnings():  # SQLite's expression indexes: only the rows matter here
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        tables.reflect(runtime.database.engine)
    with runtime.database.engine.connect() as connection:
        return [
            (table.name, tuple(row))
            for table in tables.sorted_tables
            for row in connection.execute(select(table))
        ]


def mentions_customer(value: object) -> bool:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return EMAIL in text or PHONE in text or FIRST_NAME in text


def test_the_first_name_is_kept_for_the_greeting_until_the_customer_is_erased(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", order_with_phone())
    post_shopify("returns/request", fixture_bytes("shopify/returns_request.json"))
    worker.run_once(runtime)  # no mail server: the acknowledgement waits, queued
    before = [(name, row) for name, row in every_row(runtime) if name in ("orders", "outbox")]
    post_shopify("customers/redact", customer_request())
    worker.run_once(runtime)

    assert {name for name, row in before if any(FIRST_NAME in str(v) for v in row)} == {
        "orders",
        "outbox",
    }
    assert [row for _, row in every_row(runtime) if any(FIRST_NAME in str(v) for v in row)] == []


def test_no_row_of_any_table_keeps_the_customers_email_phone_or_name(redacted):
    rows = every_row(redacted)

    assert {name for name, _ in rows} >= {"inbox", "orders", "incidents", "incident_timeline"}
    kept = [(name, row) for name, row in rows if any(mentions_customer(v) for v in row)]
    assert kept == []


def test_the_other_customer_is_kept(redacted):
    rows = every_row(redacted)

    assert any("otro@example.es" in str(row) for _, row in rows)
    assert any("Carmen" in str(row) for name, row in rows if name == "orders")


def test_the_sqlite_files_keep_no_copy_of_the_customers_email_or_phone(
    shopify_shop, post_shopify, runtime
):
    if runtime.database.file is None:
        pytest.skip("database files are SQLite's")
    # As a SQLite built without SQLITE_SECURE_DELETE would open it (Debian's has it).
    event.listen(runtime.database.engine, "connect", secure_delete_off, insert=True)
    runtime.database.dispose()
    redacted = redact(post_shopify, runtime)
    files = [redacted.database.file, Path(f"{redacted.database.file}-wal")]

    while_open = {file.name: file.read_bytes() for file in files if file.exists()}
    redacted.database.dispose()
    closed = redacted.database.file.read_bytes()

    for name, content in [*while_open.items(), ("closed", closed)]:
        assert EMAIL.encode() not in content, name
        assert PHONE.encode() not in content, name
    assert b"otro@example.es" in closed  # the scan does see what a row holds


def secure_delete_off(dbapi_connection, _record) -> None:  # noqa: ANN001
    dbapi_connection.execute("PRAGMA secure_delete=OFF")


def test_sqlites_index_of_email_trigrams_keeps_none_of_the_erased_email(redacted):
    if redacted.database.dialect != "sqlite":
        pytest.skip("the FTS5 index of e-mail trigrams is SQLite's")
    # Trigrams of the erased e-mail's local part that no other row's e-mail has.
    erased = [EMAIL[n : n + 3] for n in range(EMAIL.index("@") - 2)]
    with redacted.database.engine.connect() as connection:
        blocks = [
            block
            for (block,) in connection.exec_driver_sql("SELECT block FROM incidents_search_data")
        ]

    assert blocks
    assert [t for t in erased if any(t.encode() in block for block in blocks)] == []
