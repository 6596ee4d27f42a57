from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request

from screening_svc.grids import repository, rules, service
from screening_svc.grids.rules import scope_of
from screening_svc.grids.schemas import GridCode, GridCreate, GridDetail, GridRead, GridUpdate, TeamMemberBrief
from screening_svc.teams import repository as teams
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, FieldError, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of

router = APIRouter(prefix="/grids", tags=["网格"], responses=PROBLEM_RESPONSES)

Manager = Annotated[Principal, require_roles(*rules.MANAGER_ROLES)]


@router.get(
    "",
    response_model=Page[GridRead],
    operation_id="list_grids",
    summary="网格列表",
    description="调用者范围内的网格（区看全部、街道看所辖社区、社区看本社区，网格力量看其服务的网格），"
    "按编码排序，游标分页。",
)
async def list_grids(
    session: SessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[GridRead]:
    after = (decode_cursor(cursor) or {}).get("code")
    if after is not None and not isinstance(after, str):
        raise InvalidCursor(errors=[FieldError(parameter="cursor", code="invalid_cursor", detail="游标无法解析")])
    grids = await repository.list_grids(session, scope=scope_of(principal), after=after, limit=limit + 1)
    return page_of([GridRead.model_validate(g) for g in grids], limit=limit, key="code")


@router.post(
    "",
    status_code=201,
    response_model=GridRead,
    operation_id="create_grid",
    responses=problem_responses(409, 415),
    summary="新建网格",
    description="社区、街道、区工作人员在本辖区的社区内新建网格；社区须在辖区树副本中，否则 422。"
    "支持 Idempotency-Key。",
)
async def create_grid(
    body: GridCreate, session: SessionDep, principal: Manager, request: Request, key: IdempotencyKey = None
):
    async def create() -> GridRead:
        grid = await service.create_grid(
            session=session, request=body, scope=scope_of(principal), today=rules.local_date(datetime.now(UTC))
        )
        return GridRead.model_validate(grid)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/{code}",
    response_model=GridDetail,
    operation_id="get_grid",
    responses=problem_responses(404),
    summary="查看网格及其网格力量",
    description="网格信息与服务本网格的网格员、信息员、志愿者（电话脱敏）。不在范围内或不存在均返回 404。",
)
async def get_grid(code: GridCode, session: SessionDep, principal: CurrentPrincipal) -> GridDetail:
    grid = await service.get_grid(session=session, code=code, scope=scope_of(principal))
    team = [TeamMemberBrief.model_validate(m) for m in await teams.members_of_grid(session, grid.code)]
    return GridDetail.model_validate(GridRead.model_validate(grid).model_dump() | {"team": team})


@router.patch(
    "/{code}",
    response_model=GridRead,
    operation_id="update_grid",
    responses=problem_responses(404, 415),
    summary="修改网格（含每周排查次数）",
    description="辖区工作人员修改网格名称、户数或每周应完成的拉网式排查次数。",
)
async def update_grid(code: GridCode, body: GridUpdate, session: SessionDep, principal: Manager) -> GridRead:
    grid = await service.update_grid(session=session, code=code, request=body, scope=scope_of(principal))
    return GridRead.model_validate(grid)
