from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class Petitioner(Base):
    """A person who petitions. ID number, phone and e-mail are stored encrypted (bound to this row) with keyed
    hashes for look-up and masked copies for display; the plain values are never stored (ADR 0007)."""

    __tablename__ = "petitioners"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_sub: Mapped[str | None] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(24))
    phone_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str] = mapped_column(String(24))
    email_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    address: Mapped[str | None] = mapped_column(String(200))
    special_needs: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
