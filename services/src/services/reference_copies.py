"""The columns of the read-only copies of routing_svc's reference data that several services keep (intake_api,
screening_svc): the jurisdiction tree (``xinfang.jurisdiction.updated.v1``) and the category catalogue
(``xinfang.catalogue.updated.v1``). A service maps them onto its own metadata, as with ``services.audit``:
``class ReferenceJurisdiction(JurisdictionCopyColumns, Base)``; how it applies versions stays its own."""

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column


class JurisdictionCopyColumns:
    """Read-only copy of routing_svc's jurisdiction tree (``xinfang.jurisdiction.updated.v1``)."""

    __tablename__ = "ref_jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean)


class CategoryCopyColumns:
    """Read-only copy of routing_svc's category catalogue (``xinfang.catalogue.updated.v1``)."""

    __tablename__ = "ref_categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
