from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from notify_svc.db import Base
from services.db.types import UTCDateTime


class NotificationRule(Base):
    """When an event of ``event_type`` arrives, tell ``recipient_kind`` by ``channels`` with ``template_key``."""

    __tablename__ = "notification_rules"
    __table_args__ = (UniqueConstraint("event_type", "recipient_kind", name="uq_notification_rules_event_recipient"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_type: Mapped[str] = mapped_column(String(80), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(24))
    channels: Mapped[str] = mapped_column(String(64))  # comma-separated: sms,email,inbox
    template_key: Mapped[str] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean)
    timing: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]
