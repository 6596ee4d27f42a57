"""Grids; the platform tables (outbox, inbox, idempotency).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from services.db.migration_ops import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "grids",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("community_code", sa.String(12), nullable=False, index=True),
        sa.Column("households", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("grids")
    drop_platform_tables()
