from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from notify_svc.db import Base
from services.db.types import UTCDateTime


class PetitionerContact(Base):
    """A petitioner's phone and e-mail, encrypted (AES-256-GCM bound to row and column), with masked copies."""

    __tablename__ = "petitioner_contacts"

    petitioner_ref: Mapped[UUID] = mapped_column(primary_key=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    email_masked: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PetitionRecipient(Base):
    """Which petitioner a petition belongs to: later case events carry only the petition id."""

    __tablename__ = "petition_recipients"

    petition_id: Mapped[UUID] = mapped_column(primary_key=True)
    petitioner_ref: Mapped[UUID] = mapped_column(index=True)
    tracking_no: Mapped[str] = mapped_column(String(32))
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    scope_code: Mapped[str] = mapped_column(String(32))  # the jurisdiction whose staff may see its notices
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffContact(Base):
    """One person of a unit's staff directory: handlers, supervisors or a grid team, with their channels."""

    __tablename__ = "staff_contacts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    inbox_id: Mapped[str | None] = mapped_column(String(128), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
