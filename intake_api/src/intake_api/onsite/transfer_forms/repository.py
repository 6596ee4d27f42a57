from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.onsite.transfer_forms.models import TransferForm


async def for_petition(session: AsyncSession, petition_id: UUID) -> TransferForm | None:
    return await session.scalar(select(TransferForm).where(TransferForm.petition_id == petition_id))


def add(session: AsyncSession, form: TransferForm) -> None:
    session.add(form)
