from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base


class Grid(Base):
    """A grid (网格) lies in one community, named by routing_svc's community code."""

    __tablename__ = "grids"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    community_code: Mapped[str] = mapped_column(String(12), index=True)
    households: Mapped[int] = mapped_column(Integer)
