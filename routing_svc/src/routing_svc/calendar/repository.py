"""Every query of the official calendar entered through the API."""

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.calendar.models import CalendarDay, CalendarYear


async def get_year(session: AsyncSession, year: int) -> CalendarYear | None:
    return await session.get(CalendarYear, year)


async def days_of(session: AsyncSession, *, years: Sequence[int] | None = None) -> Sequence[CalendarDay]:
    statement = select(CalendarDay).order_by(CalendarDay.day)
    if years is not None:
        statement = statement.where(CalendarDay.year.in_(years))
    return (await session.scalars(statement)).all()


async def entered_schedules(session: AsyncSession) -> Sequence[tuple]:
    """Every entered year with its days, in one statement: (year, day, kind, name), the day columns None for a year
    entered with no day (weekends off only, nothing else)."""
    statement = (
        select(CalendarYear.year, CalendarDay.day, CalendarDay.kind, CalendarDay.name)
        .outerjoin(CalendarDay, CalendarDay.year == CalendarYear.year)
        .order_by(CalendarYear.year, CalendarDay.day)
    )
    return [tuple(row) for row in (await session.execute(statement)).all()]


async def entered_years(session: AsyncSession) -> Sequence[int]:
    return (await session.scalars(select(CalendarYear.year).order_by(CalendarYear.year))).all()


async def replace_year(session: AsyncSession, *, year: CalendarYear, days: Sequence[CalendarDay]) -> None:
    await session.execute(delete(CalendarDay).where(CalendarDay.year == year.year))
    await session.merge(year)
    session.add_all(days)
