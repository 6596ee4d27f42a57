from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.models import Notification


def add(session: AsyncSession, notification: Notification) -> None:
    session.add(notification)


async def recipient_of_petition(session: AsyncSession, petition_id: UUID) -> Notification | None:
    """The receipt notification carries the petitioner's reference and masked contact for later messages."""
    statement = select(Notification).where(
        Notification.petition_id == petition_id, Notification.template == "petition.received"
    )
    return await session.scalar(statement)


async def list_notifications(
    session: AsyncSession, *, petition_id: UUID | None, after: UUID | None, limit: int
) -> Sequence[Notification]:
    statement = select(Notification).order_by(Notification.id).limit(limit)
    if petition_id is not None:
        statement = statement.where(Notification.petition_id == petition_id)
    if after is not None:
        statement = statement.where(Notification.id > after)
    return (await session.scalars(statement)).all()
