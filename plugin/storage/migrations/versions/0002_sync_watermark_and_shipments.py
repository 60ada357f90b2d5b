"""shops.synced_at (the reconcile watermark); orders.shipping_total and shipments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:40:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("synced_at", plugin.storage.models.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipping_total", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("shipments", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("shipments")
        batch_op.drop_column("shipping_total")
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("synced_at")
