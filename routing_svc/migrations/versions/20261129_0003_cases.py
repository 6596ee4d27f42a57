"""Cases: the guarded lifecycle, steps, clocks, escalations, supervision orders, department callbacks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from services.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NEW_CASE_COLUMNS = (
    ("finding_id", sa.Uuid(), {}),
    ("source", sa.String(16), {"server_default": "petition", "nullable": False}),
    ("kind", sa.String(16), {"server_default": "petition", "nullable": False}),
    ("track", sa.String(16), {"server_default": "petition", "nullable": False}),
    ("severity", sa.String(16), {"server_default": "general", "nullable": False}),
    ("district_code", sa.String(12), {"server_default": "", "nullable": False}),
    ("street_code", sa.String(12), {}),
    ("place_code", sa.String(12), {}),
    ("department_code", sa.String(32), {}),
    ("co_unit_codes", sa.JSON(), {"server_default": sa.text("'[]'"), "nullable": False}),
    ("mode", sa.String(16), {}),
    ("fallback", sa.Boolean(), {"server_default": sa.false(), "nullable": False}),
    ("skip_level", sa.Boolean(), {"server_default": sa.false(), "nullable": False}),
    ("summary", sa.Text(), {"server_default": "", "nullable": False}),
    ("petitioner_ref", sa.Uuid(), {}),
    ("phone_masked", sa.String(32), {}),
    ("repeat_count", sa.Integer(), {"server_default": "0", "nullable": False}),
    ("escalation_count", sa.Integer(), {"server_default": "0", "nullable": False}),
    ("handler_sub", sa.String(128), {}),
    ("extension_days", sa.Integer(), {"server_default": "0", "nullable": False}),
    ("reply_outcome", sa.String(16), {}),
    ("rating", sa.String(24), {}),
    ("legal_route", sa.String(40), {}),
    ("closed_how", sa.String(16), {}),
    ("assigned_at", UTCDateTime(), {}),
    ("replied_at", UTCDateTime(), {}),
    ("reviewed_at", UTCDateTime(), {}),
    ("closed_at", UTCDateTime(), {}),
    ("due_at", UTCDateTime(), {}),
    ("version", sa.Integer(), {"server_default": "1", "nullable": False}),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("petition_id", existing_type=sa.Uuid(), nullable=True)
        batch.alter_column("tracking_no", existing_type=sa.String(32), nullable=True)
        batch.alter_column("unit_code", existing_type=sa.String(12), type_=sa.String(32), existing_nullable=False)
        for name, type_, options in _NEW_CASE_COLUMNS:
            batch.add_column(
                sa.Column(
                    name, type_, nullable=options.get("nullable", True), server_default=options.get("server_default")
                )
            )
        batch.create_unique_constraint("uq_cases_finding_id", ["finding_id"])
        batch.create_index("ix_cases_unit_code_id", ["unit_code", "id"])
        batch.create_index("ix_cases_district_code_id", ["district_code", "id"])
        batch.create_index("ix_cases_street_code_id", ["street_code", "id"])
        batch.create_index("ix_cases_district_code_received_at", ["district_code", "received_at"])
        batch.create_index("ix_cases_due_at", ["due_at"])
    _create_steps_and_clocks()
    _create_escalations_and_orders()
    _create_callback_receipts()


def _create_steps_and_clocks() -> None:
    op.create_table(
        "case_steps",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=False),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "case_clocks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("stopped_at", UTCDateTime()),
        sa.Column("lapsed_at", UTCDateTime()),
        sa.Column("reminded_leads", sa.JSON(), nullable=False),
        sa.Column("calendar_missing", sa.Boolean(), nullable=False),
        sa.Column("next_check_at", UTCDateTime(), index=True),
        sa.UniqueConstraint("case_id", "kind", "round"),
    )


def _create_escalations_and_orders() -> None:
    op.create_table(
        "case_escalations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("clock_id", sa.Uuid(), unique=True),
        sa.Column("from_unit_code", sa.String(32), nullable=False),
        sa.Column("from_tier", sa.String(16), nullable=False),
        sa.Column("to_unit_code", sa.String(32), nullable=False),
        sa.Column("to_tier", sa.String(16), nullable=False),
        sa.Column("reason_code", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "supervision_orders",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("clock_id", sa.Uuid(), unique=True),
        sa.Column("unit_code", sa.String(32), nullable=False, index=True),
        sa.Column("unit_name", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("issued_by", sa.String(128), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.Text()),
        sa.Column("answered_by", sa.String(128)),
        sa.Column("answered_at", UTCDateTime()),
    )


def _create_callback_receipts() -> None:
    op.create_table(
        "callback_receipts",
        sa.Column("department_code", sa.String(32), primary_key=True),
        sa.Column("webhook_id", sa.String(128), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("callback_receipts", "supervision_orders", "case_escalations", "case_clocks", "case_steps"):
        op.drop_table(table)
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_due_at")
        batch.drop_index("ix_cases_district_code_received_at")
        batch.drop_index("ix_cases_street_code_id")
        batch.drop_index("ix_cases_district_code_id")
        batch.drop_index("ix_cases_unit_code_id")
        batch.drop_constraint("uq_cases_finding_id", type_="unique")
        for name, _, _ in reversed(_NEW_CASE_COLUMNS):
            batch.drop_column(name)
        batch.alter_column("unit_code", existing_type=sa.String(32), type_=sa.String(12), existing_nullable=False)
        batch.alter_column("tracking_no", existing_type=sa.String(32), nullable=False)
        batch.alter_column("petition_id", existing_type=sa.Uuid(), nullable=False)
