from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.reference.models import ReferenceCategory, ReferenceJurisdiction, ReferenceVersion


async def version(session: AsyncSession, kind: str) -> int | None:
    return await session.scalar(select(ReferenceVersion.version).where(ReferenceVersion.kind == kind))


async def set_version(session: AsyncSession, kind: str, value: int) -> None:
    await session.merge(ReferenceVersion(kind=kind, version=value))


async def clear(session: AsyncSession, model: type[ReferenceJurisdiction] | type[ReferenceCategory]) -> None:
    await session.execute(delete(model))


async def upsert(session: AsyncSession, rows: list[ReferenceJurisdiction] | list[ReferenceCategory]) -> None:
    for row in rows:
        await session.merge(row)


async def community(session: AsyncSession, code: str) -> ReferenceJurisdiction | None:
    node = await session.get(ReferenceJurisdiction, code)
    return node if node is not None and node.level == "community" and node.active else None


async def active_category(session: AsyncSession, code: str) -> ReferenceCategory | None:
    category = await session.get(ReferenceCategory, code)
    return category if category is not None and category.active else None


async def list_categories(session: AsyncSession) -> list[ReferenceCategory]:
    statement = select(ReferenceCategory).where(ReferenceCategory.active).order_by(ReferenceCategory.code)
    return list((await session.scalars(statement)).all())
