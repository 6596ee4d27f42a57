from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.channels.models import RecordedSms


async def recorded_sms(
    session: AsyncSession, *, notification_id: UUID | None, after: UUID | None, limit: int
) -> Sequence[RecordedSms]:
    statement = select(RecordedSms).order_by(RecordedSms.id.desc()).limit(limit)
    if notification_id is not None:
        statement = statement.where(RecordedSms.notification_id == notification_id)
    if after is not None:
        statement = statement.where(RecordedSms.id < after)
    return (await session.scalars(statement)).all()
