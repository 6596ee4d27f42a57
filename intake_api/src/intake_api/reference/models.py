from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base


class ReferenceJurisdiction(Base):
    """Read-only copy of routing_svc's jurisdiction tree (``xinfang.jurisdiction.updated.v1``)."""

    __tablename__ = "ref_jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean)


class ReferenceCategory(Base):
    """Read-only copy of routing_svc's two-level category catalogue (``xinfang.catalogue.updated.v1``)."""

    __tablename__ = "ref_categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)


class ReferenceVersion(Base):
    """The last version applied per reference set; older or equal versions are ignored."""

    __tablename__ = "ref_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


# -- a transfer form names a receiving unit, which may be a department ------
class ReferenceDepartment(Base):
    """Read-only copy of routing_svc's departments (``departments`` of ``xinfang.jurisdiction.updated.v1``)."""

    __tablename__ = "ref_departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    levels: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
