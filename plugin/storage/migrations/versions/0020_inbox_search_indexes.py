"""inbox search and filter indexes: order names, parts of e-mails, status and kind

The inbox's search matches an order by name or platform id, or a customer's e-mail
by any part of it; with 100,000 incidents in a shop, reading every e-mail cost far
more than the page. An order name is found by a B-tree. A part of an e-mail needs an
index of its trigrams (every three characters in a row):

- PostgreSQL: a GIN index of `lower(customer_email)` with pg_trgm's operator class,
  which serves the search's `LIKE '%...%'` itself. pg_trgm is a trusted extension
  (PostgreSQL 13 and later): a role that may create objects in the database may
  create it.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 and later) over the
  incidents' e-mails and orders, kept by triggers in the statement that writes the
  incident, as incident_counts is (0018); it holds no copy of them (external
  content). It names every incident a search may pick, so that the query reads
  those by id whatever statistics SQLite's planner has (none unless ANALYZE ran).

The filters of the inbox by status and kind read (shop_id, status, kind, id) in id
order: the page is the first 50 entries of the range, however rare the pair.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-14 09:00:00
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    """
    CREATE VIRTUAL TABLE incidents_search USING fts5(
        customer_email, order_name, platform_order_id,
        content='incidents', content_rowid='id', tokenize='trigram'
    )
    """,
    """
    CREATE TRIGGER incidents_search_on_insert AFTER INSERT ON incidents
    BEGIN
        INSERT INTO incidents_search (rowid, customer_email, order_name, platform_order_id)
        VALUES (NEW.id, NEW.customer_email, NEW.order_name, NEW.platform_order_id);
    END
    """,
    # An external-content FTS5 table forgets a row by being told what it indexed.
    """
    CREATE TRIGGER incidents_search_on_delete AFTER DELETE ON incidents
    BEGIN
        INSERT INTO incidents_search
            (incidents_search, rowid, customer_email, order_name, platform_order_id)
        VALUES ('delete', OLD.id, OLD.customer_email, OLD.order_name, OLD.platform_order_id);
    END
    """,
    """
    CREATE TRIGGER incidents_search_on_update
    AFTER UPDATE OF id, customer_email, order_name, platform_order_id ON incidents
    WHEN OLD.id IS NOT NEW.id OR OLD.customer_email IS NOT NEW.customer_email
        OR OLD.order_name IS NOT NEW.order_name
        OR OLD.platform_order_id IS NOT NEW.platform_order_id
    BEGIN
        INSERT INTO incidents_search
            (incidents_search, rowid, customer_email, order_name, platform_order_id)
        VALUES ('delete', OLD.id, OLD.customer_email, OLD.order_name, OLD.platform_order_id);
        INSERT INTO incidents_search (rowid, customer_email, order_name, platform_order_id)
        VALUES (NEW.id, NEW.customer_email, NEW.order_name, NEW.platform_order_id);
    END
    """,
    # The incidents already there, in the migration's transaction, after the triggers.
    "INSERT INTO incidents_search (incidents_search) VALUES ('rebuild')",
)


def upgrade() -> None:
    op.create_index("ix_incidents_shop_order_name", "incidents", ["shop_id", "order_name"])
    op.create_index(
        "ix_incidents_shop_status_kind_id", "incidents", ["shop_id", "status", "kind", "id"]
    )
    if op.get_context().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_incidents_customer_email_trigrams ON incidents "
        "USING gin (lower(customer_email) gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for name in ("on_insert", "on_delete", "on_update"):
            op.execute(f"DROP TRIGGER incidents_search_{name}")
        op.execute("DROP TABLE incidents_search")
    else:
        # pg_trgm stays: other objects of the database may use it by now.
        op.drop_index("ix_incidents_customer_email_trigrams", table_name="incidents")
    op.drop_index("ix_incidents_shop_status_kind_id", table_name="incidents")
    op.drop_index("ix_incidents_shop_order_name", table_name="incidents")
