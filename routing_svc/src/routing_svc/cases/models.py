from datetime import datetime
from uuid import UUID

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from routing_svc.db import Base
from services.db.types import UTCDateTime


class Case(Base):
    """A petition (or, later, an escalated conflict) as the unit that must solve it sees it."""

    __tablename__ = "cases"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID] = mapped_column(unique=True)
    tracking_no: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24))
    tier: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_name: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
