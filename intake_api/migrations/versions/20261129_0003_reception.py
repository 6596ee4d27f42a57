"""Reception hall (queue tickets and their daily counters), reception sessions and appointments, home visits,
ratings, spot checks, follow-up calls and complaints about staff (ADR 0010). No plain ID number or phone here:
every person is a petitioner record of 0002 (``petitioner_id``).

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


def _staff(name: str, *, nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(128), nullable=nullable, index=index)


def _at(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _ref(name: str, table: str, *, nullable: bool = True, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(f"{table}.id"), nullable=nullable, index=index)


def _sessions_and_appointments() -> None:
    op.create_table(
        "reception_sessions",
        _id(),
        sa.Column("starts_at", UTCDateTime(), nullable=False, index=True),
        _at("ends_at"),
        sa.Column("host_kind", sa.String(16), nullable=False),
        sa.Column("host", sa.String(100), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False),
        _staff("created_by"),
        _at("created_at"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_reception_sessions_booked"),
    )
    op.create_table(
        "appointments",
        _id(),
        _ref("session_id", "reception_sessions", nullable=False, index=True),
        _ref("petitioner_id", "petitioners", nullable=False, index=True),
        sa.Column("matter", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _staff("booked_by"),
        _at("created_at"),
        _at("cancelled_at", nullable=True),
        sa.Column("cancelled_by", sa.String(16)),
        sa.Column("cancel_reason", sa.String(200)),
    )


def _hall() -> None:
    op.create_table(
        "hall_tickets",
        _id(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(8), nullable=False),
        sa.Column("room", sa.String(16), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("priority_reason", sa.String(24)),
        sa.Column("name_masked", sa.String(64), nullable=False),
        sa.Column("special_needs", sa.JSON(), nullable=False),
        sa.Column("party_size", sa.Integer(), nullable=False),
        _ref("petitioner_id", "petitioners"),
        _ref("petition_id", "petitions"),
        _ref("appointment_id", "appointments"),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False),
        _staff("checked_in_by"),
        _staff("staff_id", nullable=True, index=True),
        _at("checked_in_at"),
        _at("called_at", nullable=True),
        sa.Column("wait_seconds", sa.Integer()),
        _at("finished_at", nullable=True),
        _at("updated_at"),
        sa.UniqueConstraint("day", "number", name="uq_hall_tickets_day_number"),
    )
    op.create_table(
        "hall_counters",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("room", sa.String(16), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )


def _home_visits() -> None:
    op.create_table(
        "home_visits",
        _id(),
        _ref("petitioner_id", "petitioners", nullable=False, index=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("community_code", sa.String(12)),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False, index=True),
        sa.Column("matter", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _staff("requested_by"),
        _staff("cadre", nullable=True),
        _at("scheduled_for", nullable=True),
        _staff("scheduled_by", nullable=True),
        _ref("petition_id", "petitions"),
        sa.Column("result", sa.Text()),
        _staff("completed_by", nullable=True),
        _at("completed_at", nullable=True),
        _at("created_at"),
        _at("updated_at"),
    )


def _quality() -> None:
    op.create_table(
        "reception_ratings",
        _id(),
        sa.Column("ticket_id", sa.Uuid(), sa.ForeignKey("hall_tickets.id"), nullable=False, unique=True),
        _staff("staff_id", index=True),
        sa.Column("attitude", sa.Integer(), nullable=False),
        sa.Column("efficiency", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        _staff("rated_by"),
        _at("created_at"),
    )
    op.create_table(
        "spot_checks",
        _id(),
        _ref("ticket_id", "hall_tickets", nullable=False, index=True),
        _staff("staff_id", index=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("findings", sa.String(1000), nullable=False),
        _staff("checked_by"),
        _at("created_at"),
    )
    op.create_table(
        "follow_up_calls",
        _id(),
        _ref("ticket_id", "hall_tickets", nullable=False, index=True),
        _staff("staff_id", index=True),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.String(24)),
        sa.Column("notes", sa.String(1000), nullable=False),
        _staff("called_by"),
        _at("created_at"),
    )
    op.create_table(
        "staff_complaints",
        _id(),
        _staff("staff_id", index=True),
        _ref("ticket_id", "hall_tickets"),
        sa.Column("content", sa.Text(), nullable=False),
        _staff("recorded_by"),
        sa.Column("jurisdiction_code", sa.String(12), nullable=False),
        _at("created_at"),
    )


def upgrade() -> None:
    _sessions_and_appointments()
    _hall()
    _home_visits()
    _quality()


def downgrade() -> None:
    for table in (
        "staff_complaints", "follow_up_calls", "spot_checks", "reception_ratings", "home_visits",
        "hall_counters", "hall_tickets", "appointments", "reception_sessions",
    ):  # fmt: skip
        op.drop_table(table)
