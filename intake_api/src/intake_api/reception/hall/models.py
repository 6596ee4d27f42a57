from datetime import date, datetime
from uuid import UUID

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class QueueTicket(Base):
    """A walk-in's place in the hall queue; once completed it is a reception that can be rated and checked.
    Only the masked name is kept here; the person is the petitioner record (``petitioner_id``)."""

    __tablename__ = "hall_tickets"
    __table_args__ = (UniqueConstraint("day", "number", name="uq_hall_tickets_day_number"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(8))
    room: Mapped[str] = mapped_column(String(16))
    priority: Mapped[bool] = mapped_column(Boolean)
    priority_reason: Mapped[str | None] = mapped_column(String(24))
    name_masked: Mapped[str] = mapped_column(String(64))
    special_needs: Mapped[list[str]] = mapped_column(JSON)
    party_size: Mapped[int] = mapped_column(Integer)
    petitioner_id: Mapped[UUID | None] = mapped_column(ForeignKey("petitioners.id"))
    petition_id: Mapped[UUID | None] = mapped_column(ForeignKey("petitions.id"))
    appointment_id: Mapped[UUID | None] = mapped_column(ForeignKey("appointments.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(12))
    checked_in_by: Mapped[str] = mapped_column(String(128))
    staff_id: Mapped[str | None] = mapped_column(String(128), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HallCounter(Base):
    """The last queue number handed out per local day and room (an atomic upsert increments it)."""

    __tablename__ = "hall_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    room: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
