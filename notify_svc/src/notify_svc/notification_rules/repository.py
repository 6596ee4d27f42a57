from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notification_rules.models import NotificationRule


def add(session: AsyncSession, rule: NotificationRule) -> None:
    session.add(rule)


async def rules_for(session: AsyncSession, event_type: str) -> Sequence[NotificationRule]:
    statement = (
        select(NotificationRule)
        .where(NotificationRule.event_type == event_type, NotificationRule.enabled.is_(True))
        .order_by(NotificationRule.recipient_kind)
    )
    return (await session.scalars(statement)).all()


async def get(session: AsyncSession, rule_id: UUID) -> NotificationRule | None:
    return await session.get(NotificationRule, rule_id)


async def find(session: AsyncSession, *, event_type: str, recipient_kind: str) -> NotificationRule | None:
    statement = select(NotificationRule).where(
        NotificationRule.event_type == event_type, NotificationRule.recipient_kind == recipient_kind
    )
    return await session.scalar(statement)


async def list_rules(session: AsyncSession, *, event_type: str | None) -> Sequence[NotificationRule]:
    statement = select(NotificationRule).order_by(NotificationRule.event_type, NotificationRule.recipient_kind)
    if event_type is not None:
        statement = statement.where(NotificationRule.event_type == event_type)
    return (await session.scalars(statement)).all()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(NotificationRule)) or 0
