"""customer e-mail indexes: a customer's orders and incidents at a shop, found by index

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_orders_shop_customer_email", "orders", ["shop_id", sa.text("lower(customer_email)")]
    )
    op.create_index(
        "ix_incidents_shop_customer_email",
        "incidents",
        ["shop_id", sa.text("lower(customer_email)")],
    )


def downgrade() -> None:
    op.drop_index("ix_incidents_shop_customer_email", table_name="incidents")
    op.drop_index("ix_orders_shop_customer_email", table_name="orders")
