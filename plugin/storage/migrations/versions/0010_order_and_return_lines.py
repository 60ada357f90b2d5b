"""order_lines and return_lines: what the return-reason reports count

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import plugin.storage.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_TIME = plugin.storage.models.UTCDateTime(timezone=True)


def _shop_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shops.id"], name=op.f(f"fk_{table}_shop_id_shops"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("platform_order_id", sa.String(length=64), nullable=False),
        sa.Column("line_item_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=True),
        sa.Column("variant_id", sa.String(length=64), nullable=True),
        sa.Column("sku", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", sa.String(length=32), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("ordered_at", UTC_TIME, nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        _shop_key("order_lines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint(
            "shop_id",
            "platform_order_id",
            "line_item_id",
            name=op.f("uq_order_lines_shop_id"),
        ),
    )
    op.create_index(
        "ix_order_lines_shop_ordered_at", "order_lines", ["shop_id", "ordered_at"], unique=False
    )
    op.create_index(
        "ix_order_lines_shop_product",
        "order_lines",
        ["shop_id", "product_id", "sku"],
        unique=False,
    )
    op.create_table(
        "return_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("platform_order_id", sa.String(length=64), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("line_key", sa.String(length=64), nullable=False),
        sa.Column("line_item_id", sa.String(length=64), nullable=True),
        sa.Column("product_id", sa.String(length=64), nullable=True),
        sa.Column("variant_id", sa.String(length=64), nullable=True),
        sa.Column("sku", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        _shop_key("return_lines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
        sa.UniqueConstraint(
            "shop_id",
            "source_type",
            "source_id",
            "line_key",
            name=op.f("uq_return_lines_shop_id"),
        ),
    )
    op.create_index(
        "ix_return_lines_shop_requested_at",
        "return_lines",
        ["shop_id", "requested_at"],
        unique=False,
    )
    op.create_index(
        "ix_return_lines_shop_sku_reason",
        "return_lines",
        ["shop_id", "sku", "reason", "requested_at"],
        unique=False,
    )
    op.create_index(
        "ix_return_lines_shop_order",
        "return_lines",
        ["shop_id", "platform_order_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_return_lines_shop_order", table_name="return_lines")
    op.drop_index("ix_return_lines_shop_sku_reason", table_name="return_lines")
    op.drop_index("ix_return_lines_shop_requested_at", table_name="return_lines")
    op.drop_table("return_lines")
    op.drop_index("ix_order_lines_shop_product", table_name="order_lines")
    op.drop_index("ix_order_lines_shop_ordered_at", table_name="order_lines")
    op.drop_table("order_lines")
