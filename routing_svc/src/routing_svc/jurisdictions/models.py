from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from routing_svc.db import Base


class Jurisdiction(Base):
    """A node of the tree district → street → community, identified by its administrative code."""

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
