from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.db import Base
from services.reference_copies import CategoryCopyColumns, JurisdictionCopyColumns


class ReferenceJurisdiction(JurisdictionCopyColumns, Base):
    """Read-only copy of routing_svc's jurisdiction tree (``xinfang.jurisdiction.updated.v1``)."""


class ReferenceCategory(CategoryCopyColumns, Base):
    """Read-only copy of routing_svc's category catalogue (``xinfang.catalogue.updated.v1``)."""


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
