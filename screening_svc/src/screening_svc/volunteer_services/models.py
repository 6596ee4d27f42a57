from datetime import date, datetime
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.db.types import UTCDateTime


class VolunteerService(Base):
    """A policy talk, legal consultation or counselling session given in a grid by volunteers."""

    __tablename__ = "volunteer_services"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    topic: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    volunteer_ids: Mapped[list[str]] = mapped_column(JSON)
    attendance: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
