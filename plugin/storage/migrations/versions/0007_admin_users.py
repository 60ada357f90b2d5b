"""admin_users: local admins of the standalone panel, failed sign-ins, the inbox's keyset index

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "admin_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_users")),
        sa.UniqueConstraint("email", name=op.f("uq_admin_users_email")),
    )
    op.create_table(
        "admin_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_login_failures")),
    )
    op.create_index(
        "ix_admin_login_failures_email_at", "admin_login_failures", ["email", "at"], unique=False
    )
    op.create_index(
        "ix_admin_login_failures_address_at",
        "admin_login_failures",
        ["address", "at"],
        unique=False,
    )
    op.create_index("ix_incidents_shop_id_id", "incidents", ["shop_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_incidents_shop_id_id", table_name="incidents")
    op.drop_index("ix_admin_login_failures_address_at", table_name="admin_login_failures")
    op.drop_index("ix_admin_login_failures_email_at", table_name="admin_login_failures")
    op.drop_table("admin_login_failures")
    op.drop_table("admin_users")
