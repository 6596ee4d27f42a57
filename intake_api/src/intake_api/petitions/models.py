from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake_api.db import Base
from intake_api.petitioners.models import Petitioner
from services.db.types import UTCDateTime


class Petition(Base):
    __tablename__ = "petitions"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(32), unique=True)
    query_code_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    petitioner_id: Mapped[UUID] = mapped_column(ForeignKey("petitioners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    requests: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(200))
    community_code: Mapped[str | None] = mapped_column(String(12))
    jurisdiction_code: Mapped[str] = mapped_column(String(12), index=True)
    group_size: Mapped[int] = mapped_column(Integer)
    representatives: Mapped[list[str]] = mapped_column(JSON)
    legal_route: Mapped[str | None] = mapped_column(String(40))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    first_time: Mapped[bool] = mapped_column(Boolean)
    repeat_of: Mapped[UUID | None] = mapped_column(ForeignKey("petitions.id"))
    skip_level: Mapped[bool] = mapped_column(Boolean)
    visited_level: Mapped[str | None] = mapped_column(String(16))
    proper_level: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(32))
    related_tracking_no: Mapped[str | None] = mapped_column(String(32))
    notice: Mapped[str] = mapped_column(Text)
    case_status: Mapped[str | None] = mapped_column(String(24))
    case_tier: Mapped[str | None] = mapped_column(String(16))
    re_reviewed: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(24))
    registered_by: Mapped[str] = mapped_column(String(128), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    petitioner: Mapped[Petitioner] = relationship(lazy="raise")
    timeline: Mapped[list["TimelineEntry"]] = relationship(order_by="TimelineEntry.at", lazy="raise")


class TimelineEntry(Base):
    """One step the petitioner sees; case steps come from routing_svc's events (``source_event_id``)."""

    __tablename__ = "petition_timeline"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID] = mapped_column(ForeignKey("petitions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    step: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    source_event_id: Mapped[str | None] = mapped_column(String(64))


class TrackingCounter(Base):
    """Last sequence number handed out per year and district; the row lock serialises concurrent registrations."""

    __tablename__ = "tracking_counters"
    __table_args__ = (UniqueConstraint("year", "district_code", name="uq_tracking_counters"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    district_code: Mapped[str] = mapped_column(String(12))
    last: Mapped[int] = mapped_column(Integer)
