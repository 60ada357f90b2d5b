"""incidents.sla_due_at: when an incident's next service target falls due (indexed)

Incidents opened before this revision have none: they are not checked against the
targets, so upgrading sends no alerts about the past.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 14:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("sla_due_at", UTC_TIME, nullable=True))
        batch.create_index("ix_incidents_sla_due_at", ["sla_due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index("ix_incidents_sla_due_at")
        batch.drop_column("sla_due_at")
