from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.onsite.consultations.models import Consultation


async def for_petition(session: AsyncSession, petition_id: UUID) -> Consultation | None:
    return await session.scalar(select(Consultation).where(Consultation.petition_id == petition_id))


def add(session: AsyncSession, consultation: Consultation) -> None:
    session.add(consultation)
