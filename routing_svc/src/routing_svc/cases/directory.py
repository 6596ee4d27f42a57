"""Finding units, departments and the holiday calendar for cases, through the organisation's tables (read-only).

The organisation (jurisdictions, catalogue, calendar) belongs to its own domain folders; cases only read them here.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.calendar import service as calendar_service
from routing_svc.cases import rules
from routing_svc.catalogue import rules as catalogue_rules
from routing_svc.catalogue.models import DispatchEntry
from routing_svc.clocks import HolidayCalendar
from routing_svc.jurisdictions import repository as jurisdictions
from routing_svc.jurisdictions.models import Department, Jurisdiction


def _unit(node: Jurisdiction | Department, tier: str) -> rules.Unit:
    return rules.Unit(code=node.code, name=node.name, tier=tier)  # type: ignore[arg-type]


async def place_of(
    session: AsyncSession, *, community_code: str | None, address: str, district: rules.Unit
) -> rules.Place:
    """The place of a matter: its community (by code, else by address), that community's street, the district."""
    community = await jurisdictions.community_for(session, code=community_code)
    if community is None and address:
        community = await jurisdictions.match_address(session, address=address)
    if community is None:
        return rules.Place(district=district)
    street = await jurisdictions.street_of(session, code=community.code)
    return rules.Place(
        district=district,
        street=_unit(street, "street") if street is not None else None,
        community=_unit(community, "community"),
    )


PLACE_MEMO = "routing_place_memo"


async def place_of_unit(session: AsyncSession, *, unit_code: str, district: rules.Unit) -> rules.Place:
    """The place a case's unit stands for (a department's case stands at the district). A session whose info holds
    a `PLACE_MEMO` dict (the sweep's batches: many escalations, one tree) remembers the places it found."""
    memo = session.info.get(PLACE_MEMO)
    key = (unit_code, district)
    if memo is not None and key in memo:
        return memo[key]
    place = await _place_of_unit(session, unit_code=unit_code, district=district)
    if memo is not None:
        memo[key] = place
    return place


async def hold_tree(session: AsyncSession) -> list[Jurisdiction]:
    """The whole jurisdiction tree in one statement (a district's: tens of nodes). While the caller keeps the returned
    list, a node looked up by its code (`place_of_unit`) is found in the session without a statement."""
    return list(await jurisdictions.list_all(session))


async def _place_of_unit(session: AsyncSession, *, unit_code: str, district: rules.Unit) -> rules.Place:
    node = await jurisdictions.get(session, unit_code)
    if node is None or node.level == "district":
        return rules.Place(district=district)
    if node.level == "street":
        return rules.Place(district=district, street=_unit(node, "street"))
    return await place_of(session, community_code=node.code, address="", district=district)


async def competent_departments(session: AsyncSession, *, category_code: str) -> dict[str, rules.Unit]:
    """谁主管、谁负责: level (street/district) → the category's active competent department there."""
    codes = {category_code, catalogue_rules.parent_of_category(category_code) or category_code}
    rows = (await session.scalars(select(DispatchEntry).where(DispatchEntry.category_code.in_(codes)))).all()
    catalogue: dict[str, dict[str, str]] = {}
    for row in rows:
        catalogue.setdefault(row.category_code, {})[row.level] = row.department_code
    found: dict[str, rules.Unit] = {}
    for level in ("street", "district"):
        code = catalogue_rules.competent_department(catalogue, category_code=category_code, level=level)
        department = await jurisdictions.get_department(session, code) if code else None
        if department is not None and department.active:
            found[level] = _unit(department, "district" if level == "district" else "street")
    return found


async def unit_for_assignment(session: AsyncSession, *, code: str) -> rules.Unit | None:
    """An active node or department of the tree that a case may be assigned to; None for anything else."""
    node = await jurisdictions.unit(session, code=code)
    if node is None or not node.active:
        return None
    if isinstance(node, Jurisdiction):
        return _unit(node, rules.TIER_OF_LEVEL[node.level])
    return _unit(node, "district" if "district" in node.levels else "street")


async def holiday_calendar(session: AsyncSession) -> HolidayCalendar:
    """The official calendar, as the calendar domain builds it (one source for due dates and clocks)."""
    return await calendar_service.holiday_calendar(session)
