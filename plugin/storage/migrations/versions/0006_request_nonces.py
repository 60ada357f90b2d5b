"""request_nonces: the nonces of signed requests, so that none is accepted twice

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "request_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_request_nonces_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_nonces")),
        sa.UniqueConstraint("shop_id", "nonce", name=op.f("uq_request_nonces_shop_id")),
    )
    op.create_index("ix_request_nonces_expires_at", "request_nonces", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_request_nonces_expires_at", table_name="request_nonces")
    op.drop_table("request_nonces")
