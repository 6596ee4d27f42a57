"""Every query of the guide."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.guide.models import GuideVersion


async def get(session: AsyncSession, version: int) -> GuideVersion | None:
    return await session.get(GuideVersion, version)


async def latest(session: AsyncSession) -> GuideVersion | None:
    return await session.scalar(select(GuideVersion).order_by(GuideVersion.version.desc()).limit(1))


async def latest_number(session: AsyncSession) -> int:
    return await session.scalar(select(func.max(GuideVersion.version))) or 0


async def versions(session: AsyncSession) -> list[GuideVersion]:
    return list(await session.scalars(select(GuideVersion).order_by(GuideVersion.version.desc())))


def add(session: AsyncSession, version: GuideVersion) -> None:
    session.add(version)
