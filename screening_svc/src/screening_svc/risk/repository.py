from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.risk.models import (
    Assessment,
    ClauseChange,
    Consultation,
    Household,
    MonitoringEntry,
    Policy,
    Review,
    RiskItem,
)

RECORDS = {
    "items": RiskItem,
    "reviews": Review,
    "consultations": Consultation,
    "clause_changes": ClauseChange,
    "assessments": Assessment,
}


async def get(session: AsyncSession, policy_id: UUID, *, for_update: bool = False) -> Policy | None:
    statement = select(Policy).where(Policy.id == policy_id)
    return await session.scalar(statement.with_for_update() if for_update else statement)


async def list_policies(
    session: AsyncSession, *, everything: bool, jurisdiction: str | None, after: UUID | None, limit: int
) -> Sequence[Policy]:
    statement = select(Policy).order_by(Policy.id).limit(limit)
    if not everything:
        code = jurisdiction or ""
        statement = statement.where(
            or_(Policy.jurisdiction_code.startswith(code, autoescape=True), Policy.lead_department == code)
        )
    if after is not None:
        statement = statement.where(Policy.id > after)
    return (await session.scalars(statement)).all()


async def records(session: AsyncSession, policy_id: UUID) -> dict[str, list]:
    found = {}
    for name, model in RECORDS.items():
        statement = select(model).where(model.policy_id == policy_id).order_by(model.id)
        found[name] = list((await session.scalars(statement)).all())
    return found


async def household_count(session: AsyncSession, policy_id: UUID) -> int:
    statement = select(func.count()).select_from(Household).where(Household.policy_id == policy_id)
    return await session.scalar(statement) or 0


async def households(session: AsyncSession, *, policy_id: UUID, after: UUID | None, limit: int) -> Sequence[Household]:
    statement = select(Household).where(Household.policy_id == policy_id).order_by(Household.id).limit(limit)
    if after is not None:
        statement = statement.where(Household.id > after)
    return (await session.scalars(statement)).all()


async def household(session: AsyncSession, *, policy_id: UUID, household_id: UUID) -> Household | None:
    return await session.scalar(
        select(Household).where(Household.id == household_id, Household.policy_id == policy_id).with_for_update()
    )


async def monitoring(session: AsyncSession, policy_id: UUID) -> Sequence[MonitoringEntry]:
    statement = select(MonitoringEntry).where(MonitoringEntry.policy_id == policy_id).order_by(MonitoringEntry.id)
    return (await session.scalars(statement)).all()


async def add(session: AsyncSession, row) -> None:
    session.add(row)
    await session.flush()
