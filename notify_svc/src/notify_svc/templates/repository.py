from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.templates.models import NotificationTemplate


def add(session: AsyncSession, template: NotificationTemplate) -> None:
    session.add(template)


async def latest(session: AsyncSession, key: str) -> NotificationTemplate | None:
    statement = (
        select(NotificationTemplate)
        .where(NotificationTemplate.key == key)
        .order_by(NotificationTemplate.version.desc())
        .limit(1)
    )
    return await session.scalar(statement)


async def versions(session: AsyncSession, key: str) -> Sequence[NotificationTemplate]:
    statement = (
        select(NotificationTemplate)
        .where(NotificationTemplate.key == key)
        .order_by(NotificationTemplate.version.desc())
    )
    return (await session.scalars(statement)).all()


async def latest_of_every_key(session: AsyncSession) -> Sequence[NotificationTemplate]:
    newest = (
        select(NotificationTemplate.key, func.max(NotificationTemplate.version).label("version"))
        .group_by(NotificationTemplate.key)
        .subquery()
    )
    statement = (
        select(NotificationTemplate)
        .join(
            newest,
            (NotificationTemplate.key == newest.c.key) & (NotificationTemplate.version == newest.c.version),
        )
        .order_by(NotificationTemplate.key)
    )
    return (await session.scalars(statement)).all()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(NotificationTemplate)) or 0
