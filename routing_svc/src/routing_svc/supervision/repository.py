from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.models import SupervisionOrder


async def get(session: AsyncSession, order_id: UUID) -> SupervisionOrder | None:
    return await session.get(SupervisionOrder, order_id)


async def list_orders(
    session: AsyncSession,
    *,
    unit_codes: Sequence[str] | None,
    unit_prefix: str | None,
    listed: bool | None,
    open_only: bool,
    case_id: UUID | None,
    after: UUID | None,
    limit: int,
) -> Sequence[SupervisionOrder]:
    """Orders in id order; `unit_prefix` covers a district's or street's units (codes under it)."""
    statement = select(SupervisionOrder).order_by(SupervisionOrder.id).limit(limit)
    if unit_codes is not None:
        statement = statement.where(SupervisionOrder.unit_code.in_(unit_codes))
    if unit_prefix is not None:
        statement = statement.where(SupervisionOrder.unit_code.startswith(unit_prefix, autoescape=True))
    if listed is not None:
        statement = statement.where(SupervisionOrder.listed.is_(listed))
    if open_only:
        statement = statement.where(SupervisionOrder.answered_at.is_(None))
    if case_id is not None:
        statement = statement.where(SupervisionOrder.case_id == case_id)
    if after is not None:
        statement = statement.where(SupervisionOrder.id > after)
    return (await session.scalars(statement)).all()
