"""Use cases of legal publicity: record events in communities of the caller's jurisdiction, publish content."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids import rules as grid_rules
from screening_svc.grids.exceptions import UnknownCommunity
from screening_svc.grids.rules import Scope, local_date
from screening_svc.publicity import repository, rules
from screening_svc.publicity.exceptions import EventHeldInFuture
from screening_svc.publicity.models import PublicityContent, PublicityEvent
from screening_svc.publicity.schemas import (
    PublicityContentCreate,
    PublicityContentRead,
    PublicityEventCreate,
    PublicityEventRead,
)
from screening_svc.reference import repository as reference
from services.ids import uuid7


async def record_event(
    *, session: AsyncSession, request: PublicityEventCreate, scope: Scope, recorded_by: str, now: datetime
) -> PublicityEventRead:
    if not grid_rules.covers(scope, request.community_code) or not await reference.community(
        session, request.community_code
    ):
        raise UnknownCommunity()
    if rules.held_in_future(request.held_on, local_date(now)):
        raise EventHeldInFuture()
    event = PublicityEvent(id=uuid7(), **request.model_dump(), recorded_by=recorded_by, created_at=now)
    repository.add(session, event)
    await session.flush()
    return PublicityEventRead.model_validate(event)


async def list_events(
    *, session: AsyncSession, scope: Scope, kind: str | None, after: UUID | None, limit: int
) -> list[PublicityEventRead]:
    if not (scope.everything or scope.jurisdiction):
        return []
    found = await repository.list_events(session, scope=scope, kind=kind, after=after, limit=limit)
    return [PublicityEventRead.model_validate(e) for e in found]


async def publish_content(
    *, session: AsyncSession, request: PublicityContentCreate, created_by: str, now: datetime
) -> PublicityContentRead:
    content = PublicityContent(
        id=uuid7(),
        kind=request.kind,
        title=request.title,
        summary=request.summary,
        url=str(request.url),
        published_at=request.published_at or now,
        created_by=created_by,
        created_at=now,
    )
    repository.add(session, content)
    await session.flush()
    return PublicityContentRead.model_validate(content)


async def list_published(
    *, session: AsyncSession, now: datetime, kind: str | None, before: UUID | None, limit: int
) -> list[PublicityContentRead]:
    found = await repository.list_published(session, now=now, kind=kind, before=before, limit=limit)
    return [PublicityContentRead.model_validate(c) for c in found]
