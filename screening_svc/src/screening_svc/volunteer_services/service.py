"""Use cases of volunteer services: record one in a grid of the caller's scope, list them."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids import repository as grids
from screening_svc.grids.exceptions import UnknownGrid
from screening_svc.grids.rules import Scope, local_date
from screening_svc.volunteer_services import repository, rules
from screening_svc.volunteer_services.exceptions import HeldInFuture, NotAVolunteer
from screening_svc.volunteer_services.models import VolunteerService
from screening_svc.volunteer_services.schemas import VolunteerServiceCreate, VolunteerServiceRead
from services.ids import uuid7


async def record_service(
    *, session: AsyncSession, request: VolunteerServiceCreate, scope: Scope, recorded_by: str, now: datetime
) -> VolunteerServiceRead:
    grid = await grids.get_visible(session, code=request.grid_code, scope=scope)
    if grid is None:
        raise UnknownGrid()
    if rules.held_in_future(request.held_on, local_date(now)):
        raise HeldInFuture()
    known = await repository.volunteers_of(
        session, community_code=grid.community_code, member_ids=request.volunteer_ids
    )
    if positions := rules.not_volunteers(request.volunteer_ids, known):
        raise NotAVolunteer(positions)
    service = VolunteerService(
        id=uuid7(),
        **request.model_dump(exclude={"volunteer_ids"}),
        volunteer_ids=[str(v) for v in request.volunteer_ids],
        recorded_by=recorded_by,
        created_at=now,
    )
    repository.add(session, service)
    await session.flush()
    return VolunteerServiceRead.model_validate(service)


async def list_services(
    *, session: AsyncSession, scope: Scope, grid_code: str | None, kind: str | None, after: UUID | None, limit: int
) -> list[VolunteerServiceRead]:
    found = await repository.list_services(
        session, scope=scope, grid_code=grid_code, kind=kind, after=after, limit=limit
    )
    return [VolunteerServiceRead.model_validate(s) for s in found]
