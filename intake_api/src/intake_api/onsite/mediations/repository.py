from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.onsite.mediations.models import Mediation


async def for_petition(session: AsyncSession, petition_id: UUID) -> list[Mediation]:
    query = select(Mediation).where(Mediation.petition_id == petition_id).order_by(Mediation.id)
    return list(await session.scalars(query))


def add(session: AsyncSession, mediation: Mediation) -> None:
    session.add(mediation)


async def get(session: AsyncSession, mediation_id: UUID) -> Mediation | None:
    return await session.get(Mediation, mediation_id)
