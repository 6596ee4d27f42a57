"""The read audit of personal data, shared by every service that keeps some: who read which record's which
fields, when, why and with what outcome, never the values.

A service maps the columns onto its own metadata (``class PiiAccess(PiiAccessColumns, Base)``) and records through
``AuditTrail``. Each record is written in its own transaction, so that refused and failed reads (404, 403) are
recorded too, whatever becomes of the request's own transaction.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from sqlalchemy import JSON, String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from services.db.types import UTCDateTime
from services.http.auth import Principal
from services.http.errors import NotFound
from services.ids import uuid7

Action = Literal["read", "list", "reveal", "download"]
Outcome = Literal["granted", "denied", "not_found"]


class PiiAccessColumns:
    """One read of personal data: who, which record, which fields, when, why, outcome — never the values."""

    __tablename__ = "pii_access_log"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(64), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(16))


@dataclass(frozen=True)
class AuditTrail:
    session_factory: async_sessionmaker[AsyncSession]
    model: type[PiiAccessColumns]

    async def record(
        self,
        *,
        principal: Principal,
        action: Action,
        record_type: str,
        record_id: object | None,
        fields: Sequence[str],
        outcome: Outcome,
        reason: str | None = None,
    ) -> None:
        entry = self.model(
            id=uuid7(),
            at=datetime.now(UTC),
            actor=principal.sub,
            roles=sorted(principal.roles),
            action=action,
            record_type=record_type,
            record_id=None if record_id is None else str(record_id),
            fields=list(fields),
            reason=reason,
            outcome=outcome,
        )
        async with self.session_factory() as session, session.begin():
            session.add(entry)

    @asynccontextmanager
    async def reading(
        self,
        *,
        principal: Principal,
        action: Action,
        record_type: str,
        record_id: object | None,
        fields: Sequence[str],
        reason: str | None = None,
    ) -> AsyncIterator[None]:
        """Record the read the block makes: ``granted`` with ``fields`` when it completes, ``not_found`` with no
        fields when it raises a 404 (which goes on to the caller)."""
        entry = {"principal": principal, "action": action, "record_type": record_type, "record_id": record_id}
        try:
            yield
        except NotFound:
            await self.record(**entry, fields=(), reason=reason, outcome="not_found")
            raise
        await self.record(**entry, fields=fields, reason=reason, outcome="granted")
