from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.db.types import UTCDateTime


class Finding(Base):
    """A micro-demand (微诉求) or micro-conflict (微矛盾) found in a grid; people as counts only.

    ``outcome`` is ``resolved_on_spot`` (with ``measure``) or ``escalated`` (with ``tier``); the ``case_*``
    columns mirror the case routing_svc opened for it, from the case events (latest ``occurred_at`` wins).
    """

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_community_occurred", "community_code", "occurred_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), index=True)
    community_code: Mapped[str] = mapped_column(String(12))
    category_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    people_count: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_by: Mapped[str] = mapped_column(String(128))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(24))
    measure: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[str | None] = mapped_column(String(16))
    case_id: Mapped[UUID | None]
    case_status: Mapped[str | None] = mapped_column(String(24))
    case_unit_code: Mapped[str | None] = mapped_column(String(32))
    case_unit_name: Mapped[str | None] = mapped_column(String(64))
    case_tier: Mapped[str | None] = mapped_column(String(16))
    case_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_how: Mapped[str | None] = mapped_column(String(24))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
