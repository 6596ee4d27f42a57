from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class HomeVisit(Base):
    """上门接访: requested for a petitioner who cannot come, scheduled to a cadre, completed with a petition."""

    __tablename__ = "home_visits"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petitioner_id: Mapped[UUID] = mapped_column(ForeignKey("petitioners.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(200))
    community_code: Mapped[str | None] = mapped_column(String(12))
    jurisdiction_code: Mapped[str] = mapped_column(String(12), index=True)
    matter: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[str] = mapped_column(String(128))
    cadre: Mapped[str | None] = mapped_column(String(128))
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_by: Mapped[str | None] = mapped_column(String(128))
    petition_id: Mapped[UUID | None] = mapped_column(ForeignKey("petitions.id"))
    result: Mapped[str | None] = mapped_column(Text)
    completed_by: Mapped[str | None] = mapped_column(String(128))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
