"""Webhook subscriptions of departments and partner agencies, their deliveries and every delivery attempt."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from notify_svc.db import Base
from services.db.types import UTCDateTime


class Subscription(Base):
    """An endpoint of one owner (department or agency code); secrets are stored encrypted (``services.pii.Cipher``)."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool]
    disabled_reason: Mapped[str | None] = mapped_column(String(32))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    previous_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One event owed to one subscription; its id is the ``webhook-id``, the same on every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "source_event_id", name="uq_webhook_deliveries_subscription_event"),
        Index(  # what is due, per endpoint, without reading the finished ones (ADR 0029)
            "ix_webhook_deliveries_pending",
            "subscription_id",
            "next_attempt_at",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),  # fmt: skip
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    subscription_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    source_event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[UUID | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attempt(Base):
    """One HTTP attempt of a delivery (or one refused before sending): the endpoint's delivery log."""

    __tablename__ = "webhook_attempts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[UUID] = mapped_column(index=True)
    attempt_no: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(32))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
