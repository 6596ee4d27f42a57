from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class Attachment(Base):
    """Metadata of a file attached to a petition; the bytes live in the ``Storage`` under ``storage_key``."""

    __tablename__ = "petition_attachments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID] = mapped_column(ForeignKey("petitions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
