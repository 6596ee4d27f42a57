from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.db.types import UTCDateTime


class SpecialResident(Base):
    """A resident of a grid who needs regular visits; personal data encrypted, each value bound to its row and
    column (``special_residents:<id>:<column>``). ``visit_interval`` is fixed from the category at registration."""

    __tablename__ = "special_residents"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    visit_interval: Mapped[str] = mapped_column(String(8))
    name_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    address_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    phone_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    registered_on: Mapped[date]
    registered_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
