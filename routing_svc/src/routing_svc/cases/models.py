from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from routing_svc.db import Base
from services.db.types import UTCDateTime

_NOT_CLOSED = text("status <> 'closed'")
_LAPSED = text("lapsed_at IS NOT NULL")


class Case(Base):
    """A petition or an escalated grid finding as the unit that must solve it sees it.

    `version` is the ETag: every change bumps it, and a write names the version it read (If-Match).
    `district_code`/`street_code` place the unit in the tree so that a scope query is an equality on an index.
    """

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_code_id", "unit_code", "id"),
        Index("ix_cases_district_code_id", "district_code", "id"),
        Index("ix_cases_street_code_id", "street_code", "id"),
        Index(  # figures by period; on PostgreSQL it carries what the KPI counts (migrations 0005, 0006)
            "ix_cases_district_code_received_at",
            "district_code",
            "received_at",
            postgresql_include=[
                "id",
                "closed_at",
                "closed_how",
                "tier",
                "rating",
                "mode",
                "skip_level",
                "repeat_count",
                "route_decided",
                "route_in_time",
                "handle_decided",
                "handle_in_time",
            ],
        ),
        # open cases of a scope in id order (the queue filtered by state); bench/routing_cases.py, migration 0005
        Index("ix_cases_open_unit_code_id", "unit_code", "id", postgresql_where=_NOT_CLOSED, sqlite_where=_NOT_CLOSED),
        Index(
            "ix_cases_open_street_code_id", "street_code", "id", postgresql_where=_NOT_CLOSED, sqlite_where=_NOT_CLOSED
        ),
        Index(
            "ix_cases_open_district_code_id",
            "district_code",
            "id",
            postgresql_where=_NOT_CLOSED,
            sqlite_where=_NOT_CLOSED,
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID | None] = mapped_column(unique=True)
    finding_id: Mapped[UUID | None] = mapped_column(unique=True)
    source: Mapped[str] = mapped_column(String(16), server_default="petition")
    tracking_no: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), server_default="petition")
    track: Mapped[str] = mapped_column(String(16), server_default="petition")
    status: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(16), server_default="general")
    tier: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(64))
    district_code: Mapped[str] = mapped_column(String(12), server_default="")
    street_code: Mapped[str | None] = mapped_column(String(12))
    place_code: Mapped[str | None] = mapped_column(String(12))
    department_code: Mapped[str | None] = mapped_column(String(32))
    co_unit_codes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    mode: Mapped[str | None] = mapped_column(String(16))
    fallback: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    skip_level: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    channel: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, server_default="")
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(200))
    petitioner_ref: Mapped[UUID | None] = mapped_column()
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    repeat_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    escalation_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    handler_sub: Mapped[str | None] = mapped_column(String(128))
    extension_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reply_outcome: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[str | None] = mapped_column(String(24))
    legal_route: Mapped[str | None] = mapped_column(String(40))
    closed_how: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # the outcomes of its register-and-route and handle clocks, counted when a clock stops or lapses, so that the
    # KPIs read the cohort alone (deadlines.OUTCOME_COLUMNS; migration 0006)
    route_decided: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    route_in_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    handle_decided: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    handle_in_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version}


class CaseStep(Base):
    """The case's history: every transition with who took it, when, and its details (reasons, texts, records)."""

    __tablename__ = "case_steps"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(128))
    unit_code: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseClock(Base):
    """One statutory clock of a case. `next_check_at` is when the scheduler must look at it next (a reminder's lead
    time or the lapse); it is NULL once the clock stopped or lapsed, so the sweep reads only what is due."""

    __tablename__ = "case_clocks"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "round"),
        # the KPI's overdue cases of a period (migration 0005)
        Index("ix_case_clocks_lapsed_at", "lapsed_at", postgresql_where=_LAPSED, sqlite_where=_LAPSED),
        # a case's clocks with their outcomes, index-only for the KPI (migration 0005)
        Index(
            "ix_case_clocks_case_id_outcome",
            "case_id",
            postgresql_include=["kind", "due_at", "stopped_at", "lapsed_at"],
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    round: Mapped[int] = mapped_column(Integer, default=1)
    unit_code: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_leads: Mapped[list[int]] = mapped_column(JSON, default=list)
    calendar_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Escalation(Base):
    """A case sent one tier up, and why. An escalation for a lapse names its clock, once (unique)."""

    __tablename__ = "case_escalations"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    clock_id: Mapped[UUID | None] = mapped_column(unique=True)
    from_unit_code: Mapped[str] = mapped_column(String(32))
    from_tier: Mapped[str] = mapped_column(String(16))
    to_unit_code: Mapped[str] = mapped_column(String(32))
    to_tier: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SupervisionOrder(Base):
    """督办 (Art. 40): an order to a unit about a case, with a deadline and a required written answer."""

    __tablename__ = "supervision_orders"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    clock_id: Mapped[UUID | None] = mapped_column(unique=True)
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(128))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallbackReceipt(Base):
    """A department callback already applied, by its `webhook-id`: a repeated delivery has no second effect."""

    __tablename__ = "callback_receipts"

    department_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    case_id: Mapped[UUID] = mapped_column()
    action: Mapped[str] = mapped_column(String(24))
    status: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
