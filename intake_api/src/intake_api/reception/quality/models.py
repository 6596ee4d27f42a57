from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class ReceptionRating(Base):
    """The petitioner's rating of one reception (a completed queue ticket); at most one per reception."""

    __tablename__ = "reception_ratings"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    ticket_id: Mapped[UUID] = mapped_column(ForeignKey("hall_tickets.id"), unique=True)
    staff_id: Mapped[str] = mapped_column(String(128), index=True)
    attitude: Mapped[int] = mapped_column(Integer)
    efficiency: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500))
    rated_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpotCheck(Base):
    """现场抽查: a supervisor's scored check of one reception."""

    __tablename__ = "spot_checks"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    ticket_id: Mapped[UUID] = mapped_column(ForeignKey("hall_tickets.id"), index=True)
    staff_id: Mapped[str] = mapped_column(String(128), index=True)
    score: Mapped[int] = mapped_column(Integer)
    findings: Mapped[str] = mapped_column(String(1000))
    checked_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUpCall(Base):
    """回访: a call to the petitioner after a reception."""

    __tablename__ = "follow_up_calls"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    ticket_id: Mapped[UUID] = mapped_column(ForeignKey("hall_tickets.id"), index=True)
    staff_id: Mapped[str] = mapped_column(String(128), index=True)
    reached: Mapped[bool] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str] = mapped_column(String(1000))
    called_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffComplaint(Base):
    """A complaint about a staff member's conduct, optionally about one reception."""

    __tablename__ = "staff_complaints"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(128), index=True)
    ticket_id: Mapped[UUID | None] = mapped_column(ForeignKey("hall_tickets.id"))
    content: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    jurisdiction_code: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
