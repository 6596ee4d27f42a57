"""Use cases of cases: keyword-only, flush only, events into the outbox."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import repository, rules
from routing_svc.cases.exceptions import CaseNotFound
from routing_svc.cases.models import Case
from routing_svc.jurisdictions import repository as jurisdictions
from services.contracts.intake import PetitionRegistered
from services.contracts.routing import CaseOpened, CaseOpenedData
from services.db import add_event
from services.http.auth import Principal
from services.ids import uuid7


async def open_case_for_petition(*, session: AsyncSession, event: PetitionRegistered, district: rules.Unit) -> Case:
    existing = await repository.get_by_petition(session, event.data.petition_id)
    if existing is not None:
        return existing  # a petition has one case, even if its event comes twice under another id
    unit = rules.choose_unit(community=await _community(session, event.data.community_code), district=district)
    case = _new_case(event, unit)
    repository.add(session, case)
    await add_event(session, _opened_event(case))
    return case


async def _community(session: AsyncSession, code: str | None) -> rules.Unit | None:
    node = await jurisdictions.get(session, code) if code else None
    if node is None or node.level != "community":
        return None
    return rules.Unit(code=node.code, name=node.name, tier="community")


def _new_case(event: PetitionRegistered, unit: rules.Unit) -> Case:
    data = event.data
    return Case(
        id=uuid7(),
        petition_id=data.petition_id,
        tracking_no=data.tracking_no,
        status="opened",
        tier=unit.tier,
        unit_code=unit.code,
        unit_name=unit.name,
        channel=data.channel,
        category_code=data.category_code,
        content=data.content,
        address=data.address,
        received_at=data.received_at,
        opened_at=datetime.now(UTC),
    )


def _opened_event(case: Case) -> CaseOpened:
    data = CaseOpenedData(
        case_id=case.id,
        petition_id=case.petition_id,
        tracking_no=case.tracking_no,
        unit_code=case.unit_code,
        unit_name=case.unit_name,
        tier=case.tier,
        source="petition",
        status="opened",
        category_code=case.category_code,
        occurred_at=case.opened_at,
        due_at=case.opened_at,
    )
    return CaseOpened.create(subject=str(case.id), data=data)


async def list_cases(
    *, session: AsyncSession, principal: Principal, petition_id: UUID | None, after: UUID | None, limit: int
):
    is_admin = principal.has_any("admin")
    if not is_admin and not principal.jurisdiction:
        return []  # no jurisdiction, no case (a "\x00" placeholder scope is an invalid string on PostgreSQL)
    return await repository.list_cases(
        session,
        jurisdiction=None if is_admin else principal.jurisdiction,
        petition_id=petition_id,
        after=after,
        limit=limit,
    )


async def get_case(*, session: AsyncSession, case_id: UUID, principal: Principal) -> Case:
    case = await repository.get(session, case_id)
    if case is None or not rules.visible_to(
        principal.jurisdiction, unit_code=case.unit_code, is_admin=principal.has_any("admin")
    ):
        raise CaseNotFound()
    return case
