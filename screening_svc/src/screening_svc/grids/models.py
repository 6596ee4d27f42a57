from datetime import date
from uuid import UUID

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base


class Grid(Base):
    """A grid (网格) lies in one community, named by routing_svc's community code.

    ``code`` (community code + two digits) names the grid in the API; ``id`` names it in events (contracts want a
    UUID). Sweeps are due from ``active_from`` on, ``sweeps_per_week`` full sweeps a week (at least one).
    """

    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("id", name="uq_grids_id"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    id: Mapped[UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(64))
    community_code: Mapped[str] = mapped_column(String(12), index=True)
    households: Mapped[int] = mapped_column(Integer)
    sweeps_per_week: Mapped[int] = mapped_column(Integer)
    active_from: Mapped[date] = mapped_column(Date)
