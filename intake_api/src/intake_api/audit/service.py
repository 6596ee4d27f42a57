"""The read audit of petitioner data. Each record is written in its own transaction, so that refused and
failed reads (404, 403) are recorded too, whatever becomes of the request's own transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from intake_api.audit.models import PiiAccess
from services.http.auth import Principal
from services.ids import uuid7

Action = Literal["read", "list", "reveal", "download"]
Outcome = Literal["granted", "denied", "not_found"]


@dataclass(frozen=True)
class AuditTrail:
    session_factory: async_sessionmaker[AsyncSession]

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
        entry = PiiAccess(
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
