from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class TransferForm(Base):
    """The 信访事项转送单 issued for a petition (one per petition); the PDF is rendered from it and the petition
    whenever it is asked for, so it always shows the recorded unit and deadline."""

    __tablename__ = "transfer_forms"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    petition_id: Mapped[UUID] = mapped_column(ForeignKey("petitions.id"), unique=True)
    receiving_unit_code: Mapped[str] = mapped_column(String(32))
    receiving_unit_name: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[date] = mapped_column(Date)
    deadline_basis: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
