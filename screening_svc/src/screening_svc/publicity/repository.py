from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.rules import Scope
from screening_svc.publicity.models import PublicityContent, PublicityEvent


async def list_events(
    session: AsyncSession, *, scope: Scope, kind: str | None, after: UUID | None, limit: int
) -> Sequence[PublicityEvent]:
    statement = select(PublicityEvent).order_by(PublicityEvent.id).limit(limit)
    if not scope.everything:
        statement = statement.where(PublicityEvent.community_code.startswith(scope.jurisdiction, autoescape=True))
    if kind is not None:
        statement = statement.where(PublicityEvent.kind == kind)
    if after is not None:
        statement = statement.where(PublicityEvent.id > after)
    return (await session.scalars(statement)).all()


async def list_published(
    session: AsyncSession, *, now: datetime, kind: str | None, before: UUID | None, limit: int
) -> Sequence[PublicityContent]:
    """Newest first (time-ordered ids)."""
    statement = (
        select(PublicityContent)
        .where(PublicityContent.published_at <= now)
        .order_by(PublicityContent.id.desc())
        .limit(limit)
    )
    if kind is not None:
        statement = statement.where(PublicityContent.kind == kind)
    if before is not None:
        statement = statement.where(PublicityContent.id < before)
    return (await session.scalars(statement)).all()


def add(session: AsyncSession, row: PublicityEvent | PublicityContent) -> None:
    session.add(row)
