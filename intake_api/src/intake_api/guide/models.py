from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.db.types import UTCDateTime


class GuideVersion(Base):
    """One published version of the 信访指南; never changed after publication (what a petitioner got stays)."""

    __tablename__ = "guide_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(100))
    sections: Mapped[list[dict]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500))
    published_by: Mapped[str] = mapped_column(String(128))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
