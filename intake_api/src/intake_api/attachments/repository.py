"""Every query of the attachments domain."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.attachments.models import Attachment


def add(session: AsyncSession, attachment: Attachment) -> None:
    session.add(attachment)


async def get(session: AsyncSession, *, petition_id: UUID, attachment_id: UUID) -> Attachment | None:
    statement = select(Attachment).where(Attachment.id == attachment_id, Attachment.petition_id == petition_id)
    return await session.scalar(statement)


async def of_petition(session: AsyncSession, petition_id: UUID) -> list[Attachment]:
    statement = select(Attachment).where(Attachment.petition_id == petition_id).order_by(Attachment.id)
    return list(await session.scalars(statement))
