"""Use cases of home visits: request (by the petitioner or on their behalf), schedule to a cadre, complete with
the petition registered at the visit. Stages ``home_visit.requested`` and ``home_visit.completed``."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.reception import rules as shared
from intake_api.reception import service as reception
from intake_api.reception.home_visits import repository, rules
from intake_api.reception.home_visits.exceptions import HomeVisitNotFound, HomeVisitStepRefused, InvalidHomeVisit
from intake_api.reception.home_visits.models import HomeVisit
from intake_api.reception.home_visits.schemas import HomeVisitCompletion, HomeVisitCreate, HomeVisitSchedule
from intake_api.reference import service as reference
from services.contracts.intake import (
    HomeVisitCompleted,
    HomeVisitCompletedData,
    HomeVisitData,
    HomeVisitRequested,
)
from services.db import add_event
from services.http.auth import Principal
from services.ids import uuid7


async def request_visit(
    *, session: AsyncSession, request: HomeVisitCreate, principal: Principal, settings: IntakeSettings
) -> HomeVisit:
    petitioner = await reception.acting_petitioner(
        session=session, principal=principal, petitioner_id=request.petitioner_id
    )
    code = request.community_code
    if code is not None and not await reference.community_known(session=session, code=code):
        raise InvalidHomeVisit("/community_code", "community_unknown", "没有该社区代码")
    now = datetime.now(UTC)
    visit = HomeVisit(
        id=uuid7(), petitioner_id=petitioner.id, reason=request.reason, address=request.address,
        community_code=code, jurisdiction_code=code or settings.district_code, matter=request.matter,
        status="requested", requested_by=principal.sub, created_at=now, updated_at=now,
    )  # fmt: skip
    repository.add(session, visit)
    await add_event(session, HomeVisitRequested.create(subject=str(visit.id), data=_data(visit, now=now)))
    return visit


async def get_visit(*, session: AsyncSession, visit_id: UUID, principal: Principal) -> HomeVisit:
    """Staff of the visit's place see it; a petitioner only their own; others get 404."""
    visit = await repository.get(session, visit_id)
    if visit is None or not await _may_see(session, visit, principal):
        raise HomeVisitNotFound()
    return visit


async def _may_see(session: AsyncSession, visit: HomeVisit, principal: Principal) -> bool:
    if shared.is_staff(principal):
        return shared.staff_covers(principal, visit.jurisdiction_code)
    return await reception.owns(session=session, principal=principal, petitioner_id=visit.petitioner_id)


async def list_visits(
    *, session: AsyncSession, principal: Principal, status: str | None, after: UUID | None, limit: int
) -> list[HomeVisit]:
    jurisdiction = shared.jurisdiction_scope(principal)
    return await repository.page(session, jurisdiction=jurisdiction, status=status, after=after, limit=limit)


async def schedule(
    *, session: AsyncSession, visit_id: UUID, request: HomeVisitSchedule, principal: Principal
) -> HomeVisit:
    visit = await get_visit(session=session, visit_id=visit_id, principal=principal)
    now = datetime.now(UTC)
    if not rules.schedulable_at(request.scheduled_for, now):
        raise InvalidHomeVisit("/scheduled_for", "in_the_past", "上门时间须晚于现在")
    values = {"cadre": request.cadre, "scheduled_for": request.scheduled_for, "scheduled_by": principal.sub}
    await _advance(session, visit, "schedule", status="scheduled", updated_at=now, **values)
    return visit


async def complete(
    *, session: AsyncSession, visit_id: UUID, request: HomeVisitCompletion, principal: Principal
) -> HomeVisit:
    visit = await get_visit(session=session, visit_id=visit_id, principal=principal)
    if not rules.allowed("complete", visit.status):
        raise HomeVisitStepRefused(step="complete", status=visit.status)
    petition = await reception.linked_petition(session=session, petition_id=request.petition_id, principal=principal)
    if petition.petitioner_id != visit.petitioner_id:
        raise InvalidHomeVisit("/petition_id", "petition_of_another_petitioner", "该信访件不是本次上门接访对象的")
    now = datetime.now(UTC)
    values = {"petition_id": request.petition_id, "result": request.result, "completed_by": principal.sub}
    await _advance(session, visit, "complete", status="completed", completed_at=now, updated_at=now, **values)
    data = HomeVisitCompletedData(**_data(visit, now=now).model_dump(), cadre=visit.cadre, result=visit.result)
    await add_event(session, HomeVisitCompleted.create(subject=str(visit.id), data=data))
    return visit


async def _advance(session: AsyncSession, visit: HomeVisit, step: str, **values) -> None:
    if not rules.allowed(step, visit.status):
        raise HomeVisitStepRefused(step=step, status=visit.status)
    if not await repository.advance(session, visit.id, from_statuses=rules.STEPS[step], **values):
        raise HomeVisitStepRefused(step=step, status="已被他人更改")


def _data(visit: HomeVisit, *, now: datetime) -> HomeVisitData:
    return HomeVisitData(
        home_visit_id=visit.id, petitioner_ref=visit.petitioner_id, petition_id=visit.petition_id,
        community_code=visit.community_code, reason=visit.reason, scheduled_for=visit.scheduled_for, occurred_at=now,
    )  # fmt: skip
