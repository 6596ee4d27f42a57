from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from screening_svc.grids.rules import MANAGER_ROLES, scope_of
from screening_svc.volunteer_services import service
from screening_svc.volunteer_services.schemas import ServiceKind, VolunteerServiceCreate, VolunteerServiceRead
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/volunteer-services", tags=["志愿服务"], responses=PROBLEM_RESPONSES)

Recorder = Annotated[Principal, require_roles("volunteer", "grid_worker", *MANAGER_ROLES)]


@router.post(
    "",
    status_code=201,
    response_model=VolunteerServiceRead,
    operation_id="record_volunteer_service",
    responses=problem_responses(415),
    summary="登记志愿服务",
    description="登记在网格开展的政策宣讲、法律咨询、心理疏导：日期、参与的志愿者与参加人数。"
    "网格不在范围内、志愿者不属于该社区时返回 422。支持 Idempotency-Key。",
)
async def record_volunteer_service(
    body: VolunteerServiceCreate,
    session: SessionDep,
    principal: Recorder,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> VolunteerServiceRead:
        return await service.record_service(
            session=session, request=body, scope=scope_of(principal), recorded_by=principal.sub, now=datetime.now(UTC)
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[VolunteerServiceRead],
    operation_id="list_volunteer_services",
    summary="志愿服务列表",
    description="调用者范围内网格的志愿服务，可按网格与服务类型筛选，游标分页。",
)
async def list_volunteer_services(
    session: SessionDep,
    principal: CurrentPrincipal,
    grid_code: Annotated[str | None, Query(pattern=r"^\d{14}$", description="只看该网格")] = None,
    kind: Annotated[ServiceKind | None, Query(description="服务类型")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[VolunteerServiceRead]:
    found = await service.list_services(
        session=session,
        scope=scope_of(principal),
        grid_code=grid_code,
        kind=kind,
        after=cursor_uuid(cursor),
        limit=limit + 1,
    )
    return page_of(found, limit=limit)
