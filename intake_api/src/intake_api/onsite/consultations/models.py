from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class Consultation(Base):
    """The answer given at once to a consultation; the text is copied, so the record shows what was said even after
    the knowledge entry changes (``entry_id`` + ``entry_version`` name its source, empty for a free answer)."""

    __tablename__ = "consultations"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID] = mapped_column(ForeignKey("petitions.id"), unique=True)
    entry_id: Mapped[UUID | None] = mapped_column(ForeignKey("knowledge_entries.id"))
    entry_version: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
