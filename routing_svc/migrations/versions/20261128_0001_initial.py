"""Jurisdictions and cases; the platform tables (outbox, inbox, idempotency).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from services.db.migration_ops import create_platform_tables, drop_platform_tables
from services.db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "jurisdictions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(12), index=True),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("petition_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("tracking_no", sa.String(32), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False, index=True),
        sa.Column("unit_name", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cases")
    op.drop_table("jurisdictions")
    drop_platform_tables()
