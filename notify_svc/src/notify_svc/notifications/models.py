from datetime import datetime
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from notify_svc.db import Base
from services.db.types import UTCDateTime


class Notification(Base):
    """A message owed to one recipient on one channel because of one event (never twice: the unique constraint).

    The address is not stored: it is looked up (and decrypted) only when sending; ``recipient_masked`` is for display.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint(
            "source_event_id", "recipient_ref", "channel", name="uq_notifications_event_recipient_channel"
        ),
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_inbox", "inbox_owner", "channel", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    source_event_id: Mapped[str] = mapped_column(String(64))
    source_event_type: Mapped[str] = mapped_column(String(80))
    subject_id: Mapped[str | None] = mapped_column(String(64), index=True)
    petition_id: Mapped[UUID | None] = mapped_column(index=True)
    scope_code: Mapped[str] = mapped_column(String(32), index=True)  # jurisdiction whose staff may read it
    recipient_kind: Mapped[str] = mapped_column(String(24))
    recipient_ref: Mapped[str] = mapped_column(String(64))
    recipient_masked: Mapped[str] = mapped_column(String(254))
    inbox_owner: Mapped[str | None] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    template_key: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DirectoryVersion(Base):
    """One row whose ``version`` database triggers raise on every change to rules, templates and staff contacts:
    a process compares it with the version of its cached directory (``notifications.directory``)."""

    __tablename__ = "directory_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
