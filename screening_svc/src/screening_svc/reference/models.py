from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from screening_svc.db import Base
from services.reference_copies import CategoryCopyColumns, JurisdictionCopyColumns


class ReferenceJurisdiction(JurisdictionCopyColumns, Base):
    """Read-only copy of routing_svc's jurisdiction tree (``xinfang.jurisdiction.updated.v1``)."""


class ReferenceCategory(CategoryCopyColumns, Base):
    """Read-only copy of routing_svc's category catalogue (``xinfang.catalogue.updated.v1``)."""


class ReferenceVersion(Base):
    """The version of each copy (``jurisdiction``, ``catalogue``); an event with an older version is ignored."""

    __tablename__ = "ref_versions"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
