from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base


class ReferenceJurisdiction(Base):
    """Read-only copy of routing_svc's jurisdiction tree (``xinfang.jurisdiction.updated.v1``)."""

    __tablename__ = "ref_jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean)


class ReferenceCategory(Base):
    """Read-only copy of routing_svc's category catalogue (``xinfang.catalogue.updated.v1``)."""

    __tablename__ = "ref_categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)


class ReferenceVersion(Base):
    """The version of each copy (``jurisdiction``, ``catalogue``); an event with an older version is ignored."""

    __tablename__ = "ref_versions"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
