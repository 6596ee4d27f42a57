from datetime import datetime
from uuid import UUID

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from notify_svc.db import Base
from services.db.types import UTCDateTime


class RecordedSms(Base):
    """What the recording SMS channel (embedded mode, no gateway) would have sent; the number only masked."""

    __tablename__ = "sms_outbox"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    notification_id: Mapped[UUID] = mapped_column(index=True)
    phone_masked: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
