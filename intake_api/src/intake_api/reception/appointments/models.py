from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class ReceptionSession(Base):
    """A reception session (接访场次) of a leader or a department; ``booked`` never exceeds ``capacity``: it only
    grows through a conditional UPDATE, and the database checks it as well."""

    __tablename__ = "reception_sessions"
    __table_args__ = (CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_reception_sessions_booked"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    host_kind: Mapped[str] = mapped_column(String(16))
    host: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer)
    jurisdiction_code: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    session_id: Mapped[UUID] = mapped_column(ForeignKey("reception_sessions.id"), index=True)
    petitioner_id: Mapped[UUID] = mapped_column(ForeignKey("petitioners.id"), index=True)
    matter: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    booked_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
