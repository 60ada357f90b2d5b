"""incident_counts: each shop's incidents per status and kind, kept by triggers

The inbox shows the counts per status and the number of incidents a filter picks on
every page; with 100,000 incidents counting them each time cost more than the rest
of the page. The triggers add and take away in the statement that inserts, moves
or deletes an incident, so whatever writes incidents (the engine, an operator's SQL,
a cascade from a removed shop) keeps the counts exact in its own transaction.

On PostgreSQL a move takes its two count rows in one order (the lower status first),
so two moves in opposite directions wait for each other instead of deadlocking.

Revision ID: 0018
Revises: 0012
Create Date: 2026-12-12 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0012"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER incident_counts_on_insert AFTER INSERT ON incidents
    BEGIN
        INSERT INTO incident_counts (shop_id, status, kind, number)
        VALUES (NEW.shop_id, NEW.status, NEW.kind, 1)
        ON CONFLICT (shop_id, status, kind) DO UPDATE SET number = number + 1;
    END
    """,
    """
    CREATE TRIGGER incident_counts_on_delete AFTER DELETE ON incidents
    BEGIN
        UPDATE incident_counts SET number = number - 1
        WHERE shop_id = OLD.shop_id AND status = OLD.status AND kind = OLD.kind;
    END
    """,
    """
    CREATE TRIGGER incident_counts_on_update AFTER UPDATE OF shop_id, status, kind ON incidents
    WHEN OLD.shop_id IS NOT NEW.shop_id OR OLD.status IS NOT NEW.status
        OR OLD.kind IS NOT NEW.kind
    BEGIN
        UPDATE incident_counts SET number = number - 1
        WHERE shop_id = OLD.shop_id AND status = OLD.status AND kind = OLD.kind;
        INSERT INTO incident_counts (shop_id, status, kind, number)
        VALUES (NEW.shop_id, NEW.status, NEW.kind, 1)
        ON CONFLICT (shop_id, status, kind) DO UPDATE SET number = number + 1;
    END
    """,
)

POSTGRES_TRIGGERS = (
    """
    CREATE FUNCTION incident_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        add_first boolean := TG_OP = 'INSERT'
            OR (TG_OP = 'UPDATE' AND (NEW.shop_id, NEW.status, NEW.kind)
                < (OLD.shop_id, OLD.status, OLD.kind));
    BEGIN
        IF add_first THEN
            INSERT INTO incident_counts AS c (shop_id, status, kind, number)
            VALUES (NEW.shop_id, NEW.status, NEW.kind, 1)
            ON CONFLICT (shop_id, status, kind) DO UPDATE SET number = c.number + 1;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            UPDATE incident_counts SET number = number - 1
            WHERE shop_id = OLD.shop_id AND status = OLD.status AND kind = OLD.kind;
        END IF;
        IF TG_OP = 'UPDATE' AND NOT add_first THEN
            INSERT INTO incident_counts AS c (shop_id, status, kind, number)
            VALUES (NEW.shop_id, NEW.status, NEW.kind, 1)
            ON CONFLICT (shop_id, status, kind) DO UPDATE SET number = c.number + 1;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER incident_counts_on_insert_or_delete AFTER INSERT OR DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION incident_counts_follow()
    """,
    """
    CREATE TRIGGER incident_counts_on_update AFTER UPDATE OF shop_id, status, kind ON incidents
    FOR EACH ROW WHEN (
        OLD.shop_id IS DISTINCT FROM NEW.shop_id OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.kind IS DISTINCT FROM NEW.kind
    )
    EXECUTE FUNCTION incident_counts_follow()
    """,
)


def upgrade() -> None:
    op.create_table(
        "incident_counts",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_incident_counts_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shop_id", "status", "kind", name=op.f("pk_incident_counts")),
    )
    # The triggers first, then the counts of what is there: on PostgreSQL both happen
    # in the migration's one transaction, so no incident is counted twice or missed.
    triggers = SQLITE_TRIGGERS if op.get_context().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)
    op.execute(
        "INSERT INTO incident_counts (shop_id, status, kind, number) "
        "SELECT shop_id, status, kind, COUNT(*) FROM incidents GROUP BY shop_id, status, kind"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for name in ("on_insert", "on_delete", "on_update"):
            op.execute(f"DROP TRIGGER incident_counts_{name}")
    else:
        op.execute("DROP TRIGGER incident_counts_on_insert_or_delete ON incidents")
        op.execute("DROP TRIGGER incident_counts_on_update ON incidents")
        op.execute("DROP FUNCTION incident_counts_follow()")
    op.drop_table("incident_counts")
