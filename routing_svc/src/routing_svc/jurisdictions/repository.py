from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.jurisdictions.models import Jurisdiction


async def get(session: AsyncSession, code: str) -> Jurisdiction | None:
    return await session.get(Jurisdiction, code)


async def list_all(session: AsyncSession) -> Sequence[Jurisdiction]:
    return (await session.scalars(select(Jurisdiction).order_by(Jurisdiction.code))).all()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Jurisdiction)) or 0


def add_all(session: AsyncSession, nodes: list[Jurisdiction]) -> None:
    session.add_all(nodes)
