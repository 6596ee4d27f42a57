from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.db.types import UTCDateTime


class Sweep(Base):
    """One full sweep (拉网式排查) of a grid in an ISO week (``2026-W10``, China time)."""

    __tablename__ = "sweeps"
    __table_args__ = (Index("ix_sweeps_week_grid", "week", "grid_code"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), index=True)
    week: Mapped[str] = mapped_column(String(8))
    swept_by: Mapped[str] = mapped_column(String(128))
    swept_at: Mapped[datetime] = mapped_column(UTCDateTime)
    households_visited: Mapped[int] = mapped_column(Integer)
    findings: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResidentVisit(Base):
    """A special resident visited during a sweep, on a (China) calendar day."""

    __tablename__ = "resident_visits"
    __table_args__ = (
        Index("ix_resident_visits_resident_day", "resident_id", "visited_on"),
        Index("ix_resident_visits_day_resident", "visited_on", "resident_id"),
    )

    sweep_id: Mapped[UUID] = mapped_column(ForeignKey("sweeps.id"), primary_key=True)
    resident_id: Mapped[UUID] = mapped_column(ForeignKey("special_residents.id"), primary_key=True)
    visited_on: Mapped[date]


class SweepGapSent(Base):
    """A compliance gap whose ``sweep.missed`` event was staged: the end-of-week job sends each gap once."""

    __tablename__ = "sweep_gaps_sent"
    __table_args__ = (UniqueConstraint("week", "gap", "subject", name="uq_sweep_gaps_sent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    week: Mapped[str] = mapped_column(String(8))
    gap: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
