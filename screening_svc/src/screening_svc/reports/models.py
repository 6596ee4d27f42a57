from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from screening_svc.findings.models import Finding
from services.db.types import UTCDateTime


class PublishedReport(Base):
    """A report as it was when published (the data keep changing; the briefing that went out does not)."""

    __tablename__ = "published_reports"
    __table_args__ = (Index("ix_published_reports_place_period", "jurisdiction_code", "cadence", "period"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    cadence: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    jurisdiction_code: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(128))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


COVERED = ("grid_code", "category_code", "severity", "outcome", "case_tier", "closed_how")
Index(
    "ix_findings_place_time_cover",
    Finding.community_code,
    Finding.occurred_at,
    postgresql_include=list(COVERED),
)
"""The reports' and warnings' counts read findings by place prefix and time only from this index (ADR 0023):
an index-only scan on PostgreSQL (the included columns), a plain (place, time) index on SQLite."""
