"""compensations: what each incident was granted, offered or given, and how it went

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)
EXACT = plugin.storage.models.ExactDecimal()


def upgrade() -> None:
    op.create_table(
        "compensations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("proposed", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount", EXACT, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("percent", EXACT, nullable=True),
        sa.Column("expires_in_days", sa.Integer(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("rule", sa.String(length=80), nullable=True),
        sa.Column("caps", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("platform_ref", sa.String(length=255), nullable=True),
        sa.Column("source_ref", sa.String(length=128), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("choose_by", UTC_TIME, nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", UTC_TIME, nullable=True),
        sa.Column("denied_by", sa.String(length=64), nullable=True),
        sa.Column("denied_at", UTC_TIME, nullable=True),
        sa.Column("chosen_by", sa.String(length=64), nullable=True),
        sa.Column("chosen_at", UTC_TIME, nullable=True),
        sa.Column("issued_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_compensations_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_compensations_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensations")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_compensations_idempotency_key")),
    )
    op.create_index(
        "ix_compensations_shop_status", "compensations", ["shop_id", "status"], unique=False
    )
    op.create_index("ix_compensations_choose_by", "compensations", ["choose_by"], unique=False)
    op.create_index(
        op.f("ix_compensations_incident_id"), "compensations", ["incident_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_compensations_incident_id"), table_name="compensations")
    op.drop_index("ix_compensations_choose_by", table_name="compensations")
    op.drop_index("ix_compensations_shop_status", table_name="compensations")
    op.drop_table("compensations")
