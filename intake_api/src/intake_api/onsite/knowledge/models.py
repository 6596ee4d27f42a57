from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake_api.db import Base
from services.db.types import UTCDateTime


class KnowledgeEntry(Base):
    """A question of the knowledge base; its answer is versioned (``KnowledgeVersion``), a retired entry is no longer
    found by search but stays readable, because consultations name the version they gave."""

    __tablename__ = "knowledge_entries"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    category_code: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    current_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_reason: Mapped[str | None] = mapped_column(String(200))

    versions: Mapped[list["KnowledgeVersion"]] = relationship(order_by="KnowledgeVersion.version", lazy="raise")


class KnowledgeVersion(Base):
    __tablename__ = "knowledge_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_knowledge_versions"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    entry_id: Mapped[UUID] = mapped_column(ForeignKey("knowledge_entries.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(500))
    keywords: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KnowledgeTerm(Base):
    """One search term of an entry's current version with its weight (ADR 0009: portable SQL, no in-memory index)."""

    __tablename__ = "knowledge_terms"

    entry_id: Mapped[UUID] = mapped_column(ForeignKey("knowledge_entries.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    weight: Mapped[int] = mapped_column(Integer)
