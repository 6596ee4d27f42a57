"""Notifications; the platform tables (outbox, inbox, idempotency).

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
        "notifications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("petition_id", sa.Uuid(), index=True),
        sa.Column("recipient_ref", sa.String(64), nullable=False),
        sa.Column("recipient_masked", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("source_event_id", "template", name="uq_notifications_event_template"),
    )


def downgrade() -> None:
    op.drop_table("notifications")
    drop_platform_tables()
