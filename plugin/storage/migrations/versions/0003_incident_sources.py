"""incident_sources (what links an incident to its platform records); incidents by order

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 16:45:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", plugin.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_sources_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_incident_sources_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_sources")),
        sa.UniqueConstraint(
            "incident_id",
            "source_type",
            "source_id",
            name=op.f("uq_incident_sources_incident_id"),
        ),
    )
    op.create_index(
        "ix_incident_sources_lookup",
        "incident_sources",
        ["shop_id", "source_type", "source_id"],
        unique=False,
    )
    op.create_index(
        "ix_incidents_shop_order", "incidents", ["shop_id", "platform_order_id"], unique=False
    )
    _link_existing_incidents()


# Until now the record behind an incident was kept only in its opening timeline entry.
_SOURCE_KEYS = {"return_id": "return", "refund_id": "refund", "shipment_id": "shipment"}


def _link_existing_incidents() -> None:
    """Link every incident to the record named in its opening timeline entry."""
    bind = op.get_bind()
    timeline = sa.table(
        "incident_timeline",
        sa.column("id", sa.Integer),
        sa.column("incident_id", sa.Integer),
        sa.column("type", sa.String),
        sa.column("detail", sa.JSON),
        sa.column("at", plugin.storage.models.UTCDateTime(timezone=True)),
    )
    incidents = sa.table("incidents", sa.column("id", sa.Integer), sa.column("shop_id", sa.Integer))
    sources = sa.table(
        "incident_sources",
        sa.column("incident_id", sa.Integer),
        sa.column("shop_id", sa.Integer),
        sa.column("source_type", sa.String),
        sa.column("source_id", sa.String),
        sa.column("created_at", plugin.storage.models.UTCDateTime(timezone=True)),
    )
    opened = bind.execute(
        sa.select(incidents.c.id, incidents.c.shop_id, timeline.c.detail, timeline.c.at)
        .join(timeline, timeline.c.incident_id == incidents.c.id)
        .where(timeline.c.type == "incident_opened")
    )
    rows = [
        {
            "incident_id": incident_id,
            "shop_id": shop_id,
            "source_type": source_type,
            "source_id": str(detail[key]),
            "created_at": at,
        }
        for incident_id, shop_id, detail, at in opened
        for key, source_type in _SOURCE_KEYS.items()
        if (detail or {}).get(key) is not None
    ]
    if rows:
        op.bulk_insert(sources, rows)


def downgrade() -> None:
    op.drop_index("ix_incidents_shop_order", table_name="incidents")
    op.drop_index("ix_incident_sources_lookup", table_name="incident_sources")
    op.drop_table("incident_sources")
