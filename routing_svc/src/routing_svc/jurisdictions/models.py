from sqlalchemy import JSON, Boolean, Integer, String, text, true
from sqlalchemy.orm import Mapped, mapped_column

from routing_svc.db import Base


class Jurisdiction(Base):
    """A node of the tree district → street → community, identified by its administrative code.

    Nodes are never deleted (cases keep their unit's code); a node that no longer exists is made inactive.
    """

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Department(Base):
    """A functional department (职能部门) of the district, with the levels where it sits (区级、街道级)."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    levels: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReferenceVersion(Base):
    """The last version published of one reference stream (``jurisdiction``, ``catalogue``): receivers drop older."""

    __tablename__ = "reference_versions"

    stream: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
