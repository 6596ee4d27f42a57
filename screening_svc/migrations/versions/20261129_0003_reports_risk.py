"""Reports and policy risk assessment: published report snapshots; policies with their risk items, reviews,
consultations, clause changes, stage assessments, household files (一户一档) and monitoring ledger.

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


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True)


def _policy() -> sa.Column:
    return sa.Column("policy_id", sa.Uuid(), sa.ForeignKey("risk_policies.id"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "published_reports",
        _id(),
        sa.Column("cadence", sa.String(16), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(128), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_published_reports_place_period", "published_reports", ["jurisdiction_code", "cadence", "period"]
    )
    op.create_index(
        "ix_findings_place_time_cover",
        "findings",
        ["community_code", "occurred_at"],
        postgresql_include=["grid_code", "category_code", "severity", "outcome", "case_tier", "closed_how"],
    )
    _policy_tables()
    _household_tables()


def _policy_tables() -> None:
    op.create_table(
        "risk_policies",
        _id(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lead_department", sa.String(32), nullable=False),
        sa.Column("co_departments", sa.JSON(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False, index=True),
        sa.Column("community_codes", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("risk_level", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "risk_items",
        _id(),
        _policy(),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "risk_reviews",
        _id(),
        _policy(),
        sa.Column("reviewer_kind", sa.String(24), nullable=False),
        sa.Column("field", sa.String(24)),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("conclusion", sa.String(16), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "risk_consultations",
        _id(),
        _policy(),
        sa.Column("method", sa.String(24), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("awareness_rate", sa.Float()),
        sa.Column("approval_rate", sa.Float()),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "risk_clause_changes",
        _id(),
        _policy(),
        sa.Column("clause", sa.String(200), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "risk_assessments",
        _id(),
        _policy(),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("risk_level", sa.String(8), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("assessed_by", sa.String(128), nullable=False),
        sa.Column("assessed_at", UTCDateTime(), nullable=False),
    )


def _household_tables() -> None:
    op.create_table(
        "risk_households",
        _id(),
        _policy(),
        sa.Column("community_code", sa.String(12), nullable=False),
        sa.Column("head_name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("address_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("demands", sa.JSON(), nullable=False),
        sa.Column("interpreter", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "risk_monitoring",
        _id(),
        _policy(),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("community_code", sa.String(12)),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )


_TABLES = (
    "risk_monitoring", "risk_households", "risk_assessments", "risk_clause_changes", "risk_consultations",
    "risk_reviews", "risk_items", "risk_policies", "published_reports",
)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_findings_place_time_cover", table_name="findings")
    for table in _TABLES:
        op.drop_table(table)
