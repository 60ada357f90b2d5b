"""parcels: each parcel's carrier status, estimated delivery and when it becomes late

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 18:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "parcels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("platform_order_id", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("estimated_delivery_at", UTC_TIME, nullable=True),
        sa.Column("last_event_at", UTC_TIME, nullable=True),
        sa.Column("delivered_at", UTC_TIME, nullable=True),
        sa.Column("next_due_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_parcels_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcels")),
        sa.UniqueConstraint("shop_id", "shipment_id", name=op.f("uq_parcels_shop_id")),
    )
    op.create_index("ix_parcels_next_due_at", "parcels", ["next_due_at"], unique=False)
    op.create_index(
        "ix_parcels_shop_order", "parcels", ["shop_id", "platform_order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_parcels_shop_order", table_name="parcels")
    op.drop_index("ix_parcels_next_due_at", table_name="parcels")
    op.drop_table("parcels")
