"""The inbox's search: an order by name or id, a customer's e-mail by any part of it.

The e-mail's part is found through an index of trigrams (migration 0020); what a
search picks is what `LIKE '%part%'` on the lowered e-mail picks, on both databases,
whether the index can serve it (a part of three characters or more, few candidates)
or the inbox is walked (a shorter part, many candidates).
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import delete, select, update

from plugin.incidents import inbox, search
from plugin.scope import ShopScope
from plugin.shops import remove_shop
from plugin.storage import migrate
from plugin.storage.models import Incident
from tests.conftest import TEST_NOW

EMAILS = {
    "1001": "ana@example.com",
    "1002": "Beatriz.Ruiz@Example.COM",
    "1003": "иван.петров@пример.рф",
    "1004": "josé@ejemplo.es",
    "1005": "a_b@example.com",
    "1006": "axb@example.com",
    "1007": '"c""d"@example.com',
    "1008": None,
}


@pytest.fixture
def customers(shopify_shop, make_incident):
    return {order: make_incident(shopify_shop, order=order, email=e) for order, e in EMAILS.items()}


def found(runtime, shop, text, **wanted):
    """Return the orders the inbox's search for `text` lists, newest first, and the total."""
    with runtime.database.reading() as session:
        page = inbox.inbox_page(
            session, ShopScope.only(shop), inbox.InboxFilter(q=text, **wanted), TEST_NOW
        )
    return [i.platform_order_id for i in page.incidents], page.total


CASES = [
    ("example.com", ["1007", "1006", "1005", "1002", "1001"]),
    ("EXAMPLE", ["1007", "1006", "1005", "1002", "1001"]),  # ASCII letters in either case
    ("beatriz.ruiz", ["1002"]),
    ("an", ["1001"]),  # shorter than a trigram
    ("a", ["1007", "1006", "1005", "1002", "1001"]),
    ("иван", ["1003"]),
    ("ИВАН.П", ["1003"]),  # the search is lowered, Cyrillic too
    ("ив", ["1003"]),
    ("пример.рф", ["1003"]),
    ("josé", ["1004"]),
    ("JOSÉ@", ["1004"]),
    ("jose", []),  # an accent is a letter of its own
    ("a_b", ["1005"]),  # `_` and `%` are text, not wildcards
    ("%", []),
    ('"c""d"', ["1007"]),  # quotes are text, not FTS5 syntax
    ('c"', ["1007"]),
    ("#1003", ["1003"]),
    ("1004", ["1004"]),
    ("#100", []),  # an order is named whole
    ("#10", []),
    ("1001x", []),
    ("zzz", []),
]


@pytest.mark.parametrize(("text", "orders"), CASES)
def test_a_search_lists_the_orders_and_emails_it_names(
    runtime, shopify_shop, customers, text, orders
):
    assert found(runtime, shopify_shop, text) == (orders, len(orders))


@pytest.mark.parametrize(("text", "orders"), CASES)
def test_a_broad_search_walks_the_inbox_and_lists_the_same(
    runtime, shopify_shop, customers, monkeypatch, text, orders
):
    monkeypatch.setattr(search, "NARROW", 1)  # every part with two candidates is broad

    assert found(runtime, shopify_shop, text) == (orders, len(orders))


def test_a_search_pages_and_counts_what_it_picks(runtime, shopify_shop, customers):
    with runtime.database.reading() as session:
        wanted = inbox.InboxFilter(q="example", limit=2)
        first = inbox.inbox_page(session, ShopScope.only(shopify_shop), wanted, TEST_NOW)
        later = inbox.InboxFilter(q="example", limit=2, before_id=first.next_cursor)
        second = inbox.inbox_page(session, ShopScope.only(shopify_shop), later, TEST_NOW)

    assert [i.platform_order_id for i in first.incidents + second.incidents] == [
        "1007",
        "1006",
        "1005",
        "1002",
    ]
    assert (first.total, second.total) == (5, 5)


def test_a_search_stays_within_the_shop(runtime, make_shop, make_incident):
    mine, theirs = make_shop("shopify"), make_shop("shopify", domain="other.myshopify.com")
    make_incident(mine, order="1", email="ana@example.com")
    make_incident(theirs, order="2", email="ana@example.com")

    assert found(runtime, mine, "ana@") == (["1"], 1)
    assert found(runtime, theirs, "ana@", status="open") == (["2"], 1)


def test_the_search_follows_every_change_of_an_email(runtime, make_shop, make_incident):
    shop, other = make_shop("shopify"), make_shop("shopify", domain="other.myshopify.com")
    changed = make_incident(shop, order="1", email="old@example.com")
    gone = make_incident(shop, order="2", email="gone@example.com")
    make_incident(other, order="3", email="old@example.com")

    with runtime.database.transaction() as session:
        session.execute(
            update(Incident).where(Incident.id == changed).values(customer_email="new@example.com")
        )
        session.execute(delete(Incident).where(Incident.id == gone))
    with runtime.database.transaction() as session:
        remove_shop(session, other)

    assert found(runtime, shop, "new@") == (["1"], 1)
    assert found(runtime, shop, "old@") == ([], 0)
    assert found(runtime, shop, "gone@") == ([], 0)
    assert_search_index_is_whole(runtime)


def assert_search_index_is_whole(runtime):
    """Check that SQLite's FTS5 index holds exactly what the incidents hold."""
    if runtime.database.dialect == "sqlite":
        with runtime.database.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO incidents_search (incidents_search) VALUES ('integrity-check')"
            )


def test_a_narrow_search_on_sqlite_reads_its_candidates_not_the_inbox(
    runtime, shopify_shop, customers
):
    if runtime.database.dialect != "sqlite":
        pytest.skip("PostgreSQL's planner picks the trigram index by its statistics")
    with runtime.database.reading() as session:
        matching = search.matching(session, "beatriz")
        query = select(Incident.id).where(Incident.shop_id == shopify_shop, matching)
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        steps = [row[-1] for row in plan]

    # By id, as the database has no statistics (no ANALYZE ran) to choose by.
    assert steps == ["SEARCH incidents USING INTEGER PRIMARY KEY (rowid=?)"]


def test_the_search_index_goes_down_and_up_with_its_migration(runtime, shopify_shop, customers):
    config = migrate._config(runtime.database)
    command.downgrade(config, "0019")
    try:
        assert search_indexes(runtime) == set()
    finally:
        command.upgrade(config, "head")

    assert search_indexes(runtime) == {
        "ix_incidents_shop_order_name",
        "ix_incidents_shop_status_kind_id",
    } | (
        {"incidents_search"}
        if runtime.database.dialect == "sqlite"
        else {"ix_incidents_customer_email_trigrams"}
    )
    assert found(runtime, shopify_shop, "beatriz") == (["1002"], 1)  # those already there
    assert_search_index_is_whole(runtime)


def search_indexes(runtime):
    """Name the indexes and tables migration 0020 makes that the database holds."""
    query = (
        "SELECT name FROM sqlite_master"
        if runtime.database.dialect == "sqlite"
        else "SELECT indexname FROM pg_indexes"
    )
    made = {
        "incidents_search",
        "ix_incidents_shop_order_name",
        "ix_incidents_shop_status_kind_id",
        "ix_incidents_customer_email_trigrams",
    }
    with runtime.database.engine.connect() as connection:
        return {name for (name,) in connection.exec_driver_sql(query)} & made
