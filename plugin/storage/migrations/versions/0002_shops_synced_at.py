"""shops.synced_at: the reconcile job's watermark

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


def downgrade() -> None:
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("synced_at")
