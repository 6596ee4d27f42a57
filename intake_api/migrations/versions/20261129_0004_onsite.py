"""The four on-the-spot actions (四个当场) and the petition guide (信访指南), ADR 0009: knowledge base entries with
versioned answers and their search terms, consultations, mediations (party names encrypted), transfer forms, the
copy of routing_svc's departments (a transfer form names one), and the guide's versions with version 1 seeded.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = (
    "guide_versions",
    "transfer_forms",
    "mediations",
    "consultations",
    "knowledge_terms",
    "knowledge_versions",
    "knowledge_entries",
    "ref_departments",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True)


def _staff(name: str) -> sa.Column:
    return sa.Column(name, sa.String(128), nullable=False)


def _at(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _ref(name: str, table: str, *, nullable: bool = False, index: bool = True, unique: bool = False) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(f"{table}.id"), nullable=nullable, index=index, unique=unique)


def upgrade() -> None:
    op.create_table(
        "ref_departments",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    _knowledge()
    _outcomes()
    _guide()


def _knowledge() -> None:
    op.create_table(
        "knowledge_entries",
        _id(),
        sa.Column("category_code", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        _staff("created_by"),
        _at("created_at"),
        _at("updated_at"),
        _at("retired_at", nullable=True),
        sa.Column("retired_reason", sa.String(200)),
    )
    op.create_table(
        "knowledge_versions",
        _id(),
        _ref("entry_id", "knowledge_entries"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(500), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        _staff("created_by"),
        _at("created_at"),
        sa.UniqueConstraint("entry_id", "version", name="uq_knowledge_versions"),
    )
    op.create_table(
        "knowledge_terms",
        sa.Column("entry_id", sa.Uuid(), sa.ForeignKey("knowledge_entries.id"), primary_key=True),
        sa.Column("term", sa.String(64), primary_key=True),
        sa.Column("weight", sa.Integer(), nullable=False),
    )
    op.create_index("ix_knowledge_terms_term", "knowledge_terms", ["term"])


def _outcomes() -> None:
    op.create_table(
        "consultations",
        _id(),
        _ref("petition_id", "petitions", index=False, unique=True),
        _ref("entry_id", "knowledge_entries", nullable=True, index=False),
        sa.Column("entry_version", sa.Integer()),
        sa.Column("answer", sa.Text(), nullable=False),
        _staff("answered_by"),
        _at("created_at"),
    )
    op.create_table(
        "mediations",
        _id(),
        _ref("petition_id", "petitions"),
        sa.Column("mediator", sa.String(64), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("agreement", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("parties_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("parties_masked", sa.JSON(), nullable=False),
        _staff("recorded_by"),
        _at("created_at"),
    )
    op.create_table(
        "transfer_forms",
        _id(),
        _ref("petition_id", "petitions", index=False, unique=True),
        sa.Column("receiving_unit_code", sa.String(32), nullable=False),
        sa.Column("receiving_unit_name", sa.String(100), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("deadline_basis", sa.String(100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        _staff("issued_by"),
        _at("created_at"),
    )


def _guide() -> None:
    table = op.create_table(
        "guide_versions",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        _staff("published_by"),
        _at("published_at"),
    )
    from intake_api.guide.content import FIRST_GUIDE

    row = {**FIRST_GUIDE, "version": 1, "published_by": "system", "published_at": datetime.now(UTC)}
    op.bulk_insert(table, [row])


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)
