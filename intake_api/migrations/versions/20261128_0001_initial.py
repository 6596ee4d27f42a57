"""Petitions, their timeline and tracking counters; the platform tables (outbox, inbox, idempotency).

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
        "petitions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tracking_no", sa.String(32), nullable=False, unique=True),
        sa.Column("query_code_hash", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("petitioner_name", sa.String(64), nullable=False),
        sa.Column("petitioner_phone", sa.String(20), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("community_code", sa.String(12)),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False, index=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("registered_by", sa.String(128), nullable=False, index=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "petition_timeline",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("petition_id", sa.Uuid(), sa.ForeignKey("petitions.id"), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("source_event_id", sa.String(64)),
    )
    op.create_table(
        "tracking_counters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(12), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.UniqueConstraint("year", "district_code", name="uq_tracking_counters"),
    )


def downgrade() -> None:
    op.drop_table("tracking_counters")
    op.drop_table("petition_timeline")
    op.drop_table("petitions")
    drop_platform_tables()
