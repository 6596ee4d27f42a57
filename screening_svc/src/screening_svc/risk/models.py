"""Policy risk assessment (社会稳定风险评估): a policy or project and what its three stages record."""

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.db.types import UTCDateTime


class Policy(Base):
    """A major policy or project; ``community_codes`` are the affected communities (households must lie there)."""

    __tablename__ = "risk_policies"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    lead_department: Mapped[str] = mapped_column(String(32))
    co_departments: Mapped[list[str]] = mapped_column(JSON)
    jurisdiction_code: Mapped[str] = mapped_column(String(12), index=True)
    community_codes: Mapped[list[str]] = mapped_column(JSON)
    stage: Mapped[str] = mapped_column(String(24))
    risk_level: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _policy_id() -> Mapped[UUID]:
    return mapped_column(ForeignKey("risk_policies.id"), index=True)


class RiskItem(Base):
    __tablename__ = "risk_items"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    type: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Review(Base):
    """An expert's (petition work, law, sociology) or a resident representative's review."""

    __tablename__ = "risk_reviews"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    reviewer_kind: Mapped[str] = mapped_column(String(24))
    field: Mapped[str | None] = mapped_column(String(24))
    reviewer: Mapped[str] = mapped_column(String(64))
    conclusion: Mapped[str] = mapped_column(String(16))
    opinion: Mapped[str] = mapped_column(Text)
    reviewed_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Consultation(Base):
    """A community notice, online survey or round of household interviews, with the rates it measured (0–100)."""

    __tablename__ = "risk_consultations"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    method: Mapped[str] = mapped_column(String(24))
    held_on: Mapped[date]
    respondents: Mapped[int] = mapped_column(Integer)
    awareness_rate: Mapped[float | None] = mapped_column(Float)
    approval_rate: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClauseChange(Base):
    __tablename__ = "risk_clause_changes"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    clause: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Assessment(Base):
    """The conclusion of a stage (its risk level); recording it moves the policy to the next stage."""

    __tablename__ = "risk_assessments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    stage: Mapped[str] = mapped_column(String(24))
    risk_level: Mapped[str] = mapped_column(String(8))
    conclusion: Mapped[str] = mapped_column(Text)
    assessed_by: Mapped[str] = mapped_column(String(128))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Household(Base):
    """一户一档: an affected household's demands, its policy interpreter and status; name and address encrypted."""

    __tablename__ = "risk_households"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    community_code: Mapped[str] = mapped_column(String(12))
    head_name_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    address_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    demands: Mapped[list[str]] = mapped_column(JSON)
    interpreter: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MonitoringEntry(Base):
    """After implementation: an emerging problem in the monitoring ledger (an early-warning entry)."""

    __tablename__ = "risk_monitoring"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    policy_id: Mapped[UUID] = _policy_id()
    problem: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str | None] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(8))
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
