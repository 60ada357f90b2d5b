"""backfill_checkpoints: where each shop's backfill resumes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "backfill_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=32), nullable=False),
        sa.Column("since", UTC_TIME, nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("completed_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_backfill_checkpoints_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfill_checkpoints")),
        sa.UniqueConstraint("shop_id", "resource", name=op.f("uq_backfill_checkpoints_shop_id")),
    )


def downgrade() -> None:
    op.drop_table("backfill_checkpoints")
