from datetime import datetime
from uuid import UUID

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from notify_svc.db import Base
from services.db.types import UTCDateTime


class Notification(Base):
    """A message owed to someone because of an event; one per (event, template)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("source_event_id", "template", name="uq_notifications_event_template"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID | None] = mapped_column(index=True)
    recipient_ref: Mapped[str] = mapped_column(String(64))
    recipient_masked: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    source_event_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
