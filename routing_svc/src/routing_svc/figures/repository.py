"""The KPI and annual-statistics queries, in SQLAlchemy Core over the case tables (portable SQLite/PostgreSQL).

Every query counts one cohort or one kind of act in a period [start, end) and a unit's scope: a district code
covers the cases placed in it (`district_code`), a street code those in its communities (`street_code`), any
other code (a community, a department) the cases it holds (`unit_code`) — the scope rule of the case queues."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.deadlines import OUTCOME_COUNTS
from routing_svc.cases.models import Case, CaseClock, Escalation, SupervisionOrder
from routing_svc.catalogue.models import Category
from routing_svc.figures.rules import GRASSROOTS_TIERS, RESOLVED_HOW, SATISFIED_RATINGS

cases: Table = Case.__table__  # type: ignore[assignment]
clocks: Table = CaseClock.__table__  # type: ignore[assignment]
escalations: Table = Escalation.__table__  # type: ignore[assignment]
orders: Table = SupervisionOrder.__table__  # type: ignore[assignment]
categories: Table = Category.__table__  # type: ignore[assignment]


def in_scope(unit: str) -> ColumnElement[bool]:
    if unit.isdigit() and len(unit) == 6:
        return cases.c.district_code == unit
    if unit.isdigit() and len(unit) == 9:
        return cases.c.street_code == unit
    return cases.c.unit_code == unit


def _cohort(unit: str, start: datetime, end: datetime) -> ColumnElement[bool]:
    """The cases received in the period within the unit's scope."""
    return and_(in_scope(unit), cases.c.received_at >= start, cases.c.received_at < end)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def case_counts(session: AsyncSession, *, unit: str, start: datetime, end: datetime) -> dict[str, int]:
    resolved = and_(cases.c.closed_at.is_not(None), cases.c.closed_how.in_(RESOLVED_HOW))
    statement = select(
        func.count().label("received"),
        _count_if(cases.c.skip_level.is_(True)).label("skip_level"),
        func.coalesce(func.sum(cases.c.repeat_count), 0).label("repeats"),
        _count_if(resolved).label("resolved"),
        _count_if(and_(resolved, cases.c.tier.in_(GRASSROOTS_TIERS))).label("resolved_at_grassroots"),
        _count_if(cases.c.rating.is_not(None)).label("rated"),
        _count_if(cases.c.rating.in_(SATISFIED_RATINGS)).label("satisfied"),
        _count_if(cases.c.mode == "transfer").label("transfers"),
        _count_if(cases.c.mode == "assign").label("assignments"),
        _count_if(cases.c.closed_at.is_not(None)).label("closed"),
        *(func.coalesce(func.sum(cases.c[name]), 0).label(name) for name in OUTCOME_COUNTS),
    ).where(_cohort(unit, start, end))
    return dict((await session.execute(statement)).mappings().one())


async def act_counts(session: AsyncSession, *, unit: str, start: datetime, end: datetime) -> dict[str, int]:
    """Acts within the period (whenever their case came in): escalations, lapsed clocks, supervision orders."""
    escalated = select(func.count()).select_from(escalations.join(cases, escalations.c.case_id == cases.c.id))
    overdue = select(func.count(func.distinct(clocks.c.case_id))).select_from(
        clocks.join(cases, clocks.c.case_id == cases.c.id)
    )
    supervised = select(
        func.count().label("orders"),
        _count_if(orders.c.listed.is_(True)).label("listed"),
        _count_if(orders.c.answered_at.is_not(None)).label("answered"),
    ).select_from(orders.join(cases, orders.c.case_id == cases.c.id))
    scope = in_scope(unit)
    order_row = (
        await session.execute(supervised.where(scope, orders.c.issued_at >= start, orders.c.issued_at < end))
    ).one()
    return {
        "escalations": await session.scalar(escalated.where(scope, escalations.c.at >= start, escalations.c.at < end)),
        "overdue_cases": await session.scalar(
            overdue.where(scope, clocks.c.lapsed_at >= start, clocks.c.lapsed_at < end)
        ),
        "supervision_orders": order_row.orders,
        "listed_supervision_orders": order_row.listed,
        "answered_supervision_orders": order_row.answered,
    }


async def by_category(session: AsyncSession, *, unit: str, start: datetime, end: datetime) -> list[dict]:
    """Cases of the cohort per top-level category (the first two digits), with its name, most first."""
    top = func.substr(cases.c.category_code, 1, 2).label("code")
    counted = (
        select(top, func.count().label("cases"), func.coalesce(func.sum(cases.c.repeat_count), 0).label("repeats"))
        .where(_cohort(unit, start, end))
        .group_by(top)
        .subquery()
    )
    statement = (
        select(counted.c.code, categories.c.name, counted.c.cases, counted.c.repeats)
        .select_from(counted.outerjoin(categories, categories.c.code == counted.c.code))
        .order_by(counted.c.cases.desc(), counted.c.code)
    )
    return [dict(row) for row in (await session.execute(statement)).mappings()]


async def by_unit(session: AsyncSession, *, unit: str, start: datetime, end: datetime, limit: int) -> list[dict]:
    """Cases of the cohort per handling unit (petitions counted with their linked repeats), most petitioned first."""
    petitions = (func.count() + func.coalesce(func.sum(cases.c.repeat_count), 0)).label("petitions")
    statement = (
        select(
            cases.c.unit_code,
            func.max(cases.c.unit_name).label("unit_name"),
            func.count().label("cases"),
            petitions,
            _count_if(cases.c.closed_at.is_not(None)).label("closed"),
        )
        .where(_cohort(unit, start, end))
        .group_by(cases.c.unit_code)
        .order_by(petitions.desc(), cases.c.unit_code)
        .limit(limit)
    )
    return [dict(row) for row in (await session.execute(statement)).mappings()]
