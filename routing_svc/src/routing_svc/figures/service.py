"""KPIs and the annual statistics of a unit's scope, for supervisors, leaders and admins."""

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases.deadlines import OUTCOME_COLUMNS
from routing_svc.clocks import ClockKind
from routing_svc.figures import repository, rules
from routing_svc.figures.exceptions import InvalidPeriod, UnitNotFound
from routing_svc.figures.schemas import AnnualRead, CategoryFigure, GrassrootsRate, KpiRead, Rate, UnitFigure
from routing_svc.jurisdictions import repository as organisation
from services.http.auth import Principal

TOP_UNITS = 10
ALL_UNITS = 1000


async def unit_name(session: AsyncSession, *, unit: str | None, principal: Principal, default: str) -> tuple:
    """The unit asked about (the caller's own scope when none), checked against the caller's scope: (code, name)."""
    code = unit or principal.jurisdiction or default
    found = await organisation.unit(session, code=code)
    visible = rules.unit_in_scope(code, jurisdiction=principal.jurisdiction, is_admin=principal.has_any("admin"))
    if found is None or not visible:
        raise UnitNotFound(f"单位 {code} 不存在或不在本辖区")
    return code, found.name


def _rate(numerator: int, denominator: int) -> Rate:
    return Rate(value=rules.rate(numerator, denominator), numerator=numerator, denominator=denominator)


def _clock_rate(counts: dict[str, int], kind: ClockKind) -> Rate:
    """In time over decided, among the cohort's clocks of this kind (counted on their cases)."""
    decided, in_time = OUTCOME_COLUMNS[kind.value]
    return _rate(counts[in_time], counts[decided])


async def kpi(*, session: AsyncSession, period: str, unit: str | None, principal: Principal, district: str) -> KpiRead:
    span = rules.parse_period(period)
    if span is None:
        raise InvalidPeriod.of(period)
    code, name = await unit_name(session, unit=unit, principal=principal, default=district)
    window = {"unit": code, "start": span.start_at, "end": span.end_at}
    counts = await repository.case_counts(session, **window)
    grassroots = rules.rate(counts["resolved_at_grassroots"], counts["resolved"])
    petitions = counts["received"] + counts["repeats"]
    return KpiRead(
        period=span.label, start=span.start, end=span.end, unit=code, unit_name=name,
        cases_received=counts["received"], cases_closed=counts["closed"],
        grassroots_resolution_rate=GrassrootsRate(
            value=grassroots, numerator=counts["resolved_at_grassroots"], denominator=counts["resolved"],
            goal=rules.GRASSROOTS_GOAL, meets_goal=rules.meets_goal(grassroots),
        ),
        timely_acceptance_rate=_clock_rate(counts, ClockKind.REGISTER_AND_ROUTE),
        on_time_handling_rate=_clock_rate(counts, ClockKind.HANDLE),
        satisfaction_rate=_rate(counts["satisfied"], counts["rated"]),
        repeat_petition_rate=_rate(counts["repeats"], petitions),
        skip_level_rate=_rate(counts["skip_level"], counts["received"]),
        **await repository.act_counts(session, **window),
    )  # fmt: skip


async def annual(
    *, session: AsyncSession, year: int, unit: str | None, principal: Principal, district: str
) -> AnnualRead:
    span = rules.parse_period(f"{year:04d}")
    if span is None:
        raise InvalidPeriod.of(str(year))
    code, name = await unit_name(session, unit=unit, principal=principal, default=district)
    window = {"unit": code, "start": span.start_at, "end": span.end_at}
    counts = await repository.case_counts(session, **window)
    acts = await repository.act_counts(session, **window)
    units = [UnitFigure(**row) for row in await repository.by_unit(session, **window, limit=ALL_UNITS)]
    return AnnualRead(
        year=year, unit=code, unit_name=name,
        cases_received=counts["received"], cases_closed=counts["closed"],
        transfers=counts["transfers"], assignments=counts["assignments"],
        escalations=acts["escalations"], supervision_orders=acts["supervision_orders"],
        listed_supervision_orders=acts["listed_supervision_orders"],
        by_category=[CategoryFigure(**row) for row in await repository.by_category(session, **window)],
        by_unit=units, most_petitioned_units=units[:TOP_UNITS],
    )  # fmt: skip
