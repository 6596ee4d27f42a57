from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.db.types import UTCDateTime


class TeamMember(Base):
    """A grid worker (网格员), informant (信访信息员) or volunteer (志愿者) of a community.

    The phone is encrypted bound to the row (``team_members:<id>:phone``); ``phone_masked`` serves lists.
    A token whose ``sub`` is the member's id acts as that member (see ADR 0016).
    """

    __tablename__ = "team_members"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    community_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    background: Mapped[str] = mapped_column(String(32))
    skills: Mapped[list[str]] = mapped_column(JSON)
    phone_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    phone_masked: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GridAssignment(Base):
    """Which grids a team member serves."""

    __tablename__ = "grid_assignments"

    member_id: Mapped[UUID] = mapped_column(ForeignKey("team_members.id"), primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), primary_key=True, index=True)
