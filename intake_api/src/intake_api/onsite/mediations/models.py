from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class Mediation(Base):
    """A mediation held at once at the reception. The parties' names and the agreement are stored encrypted
    (AES-256-GCM bound to this row and column), the names with masked copies for display; several attempts may be
    recorded for one petition."""

    __tablename__ = "mediations"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID] = mapped_column(ForeignKey("petitions.id"), index=True)
    mediator: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    agreement_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    notes: Mapped[str] = mapped_column(Text)
    parties_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    parties_masked: Mapped[list[dict]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
