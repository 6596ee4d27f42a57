"""Notifications: petitioner contacts (encrypted), staff directory, rules, versioned templates, deliveries with
retries, the recording SMS outbox. The skeleton's ``notifications`` table (never sent, status ``recorded``) is
replaced by one row per event, recipient and channel (ADR 0018).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from services.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("notifications")
    _contacts()
    _rules_and_templates()
    _notifications()
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("notification_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("phone_masked", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )


def _contacts() -> None:
    op.create_table(
        "petitioner_contacts",
        sa.Column("petitioner_ref", sa.Uuid(), primary_key=True),
        sa.Column("phone_enc", sa.LargeBinary()),
        sa.Column("email_enc", sa.LargeBinary()),
        sa.Column("phone_masked", sa.String(32)),
        sa.Column("email_masked", sa.String(254)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "petition_recipients",
        sa.Column("petition_id", sa.Uuid(), primary_key=True),
        sa.Column("petitioner_ref", sa.Uuid(), nullable=False, index=True),
        sa.Column("tracking_no", sa.String(32), nullable=False),
        sa.Column("phone_masked", sa.String(32)),
        sa.Column("scope_code", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "staff_contacts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("unit_code", sa.String(32), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("inbox_id", sa.String(128), index=True),
        sa.Column("phone", sa.String(32)),
        sa.Column("email", sa.String(254)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def _rules_and_templates() -> None:
    op.create_table(
        "notification_rules",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("event_type", sa.String(80), nullable=False, index=True),
        sa.Column("recipient_kind", sa.String(24), nullable=False),
        sa.Column("channels", sa.String(64), nullable=False),
        sa.Column("template_key", sa.String(64), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("timing", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("event_type", "recipient_kind", name="uq_notification_rules_event_recipient"),
    )
    op.create_table(
        "notification_templates",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("key", "version", name="uq_notification_templates_key_version"),
    )


def _notifications() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("source_event_type", sa.String(80), nullable=False),
        sa.Column("subject_id", sa.String(64), index=True),
        sa.Column("petition_id", sa.Uuid(), index=True),
        sa.Column("scope_code", sa.String(32), nullable=False, index=True),
        sa.Column("recipient_kind", sa.String(24), nullable=False),
        sa.Column("recipient_ref", sa.String(64), nullable=False),
        sa.Column("recipient_masked", sa.String(254), nullable=False),
        sa.Column("inbox_owner", sa.String(128)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("template_key", sa.String(64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.String(500)),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("read_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "source_event_id", "recipient_ref", "channel", name="uq_notifications_event_recipient_channel"
        ),
    )
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"])
    op.create_index("ix_notifications_inbox", "notifications", ["inbox_owner", "channel", "id"])


def downgrade() -> None:
    for table in (
        "sms_outbox",
        "notifications",
        "notification_templates",
        "notification_rules",
        "staff_contacts",
        "petition_recipients",
        "petitioner_contacts",
    ):
        op.drop_table(table)
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
