from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from screening_svc.dependencies import Settings
from screening_svc.grids.rules import MANAGER_ROLES, scope_of
from screening_svc.teams import service
from screening_svc.teams.schemas import GridCodesUpdate, TeamMemberCreate, TeamMemberRead
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of
from services.pii import Cipher

router = APIRouter(prefix="/team-members", tags=["网格力量"], responses=PROBLEM_RESPONSES)

Manager = Annotated[Principal, require_roles(*MANAGER_ROLES)]


@router.post(
    "",
    status_code=201,
    response_model=TeamMemberRead,
    operation_id="register_team_member",
    responses=problem_responses(415),
    summary="登记网格力量成员",
    description="社区、街道、区工作人员登记本辖区的网格员、信访信息员（两委成员、退休干部、老党员）或志愿者"
    "（高校学生、律师、心理咨询师），及其专长、联系电话（加密保存）与服务的网格。支持 Idempotency-Key。",
)
async def register_team_member(
    body: TeamMemberCreate,
    session: SessionDep,
    principal: Manager,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> TeamMemberRead:
        return await service.register_member(
            session=session,
            request=body,
            scope=scope_of(principal),
            cipher=Cipher(settings.pii_key),
            now=datetime.now(UTC),
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[TeamMemberRead],
    operation_id="list_team_members",
    summary="网格力量列表",
    description="本辖区社区的网格力量成员（网格力量本人只看到自己），可按网格筛选，游标分页。",
)
async def list_team_members(
    session: SessionDep,
    principal: CurrentPrincipal,
    grid_code: Annotated[str | None, Query(pattern=r"^\d{14}$", description="只看服务该网格的成员")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[TeamMemberRead]:
    members = await service.list_members(
        session=session, scope=scope_of(principal), grid_code=grid_code, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of(members, limit=limit)


@router.get(
    "/{member_id}",
    response_model=TeamMemberRead,
    operation_id="get_team_member",
    responses=problem_responses(404),
    summary="查看网格力量成员",
    description="成员信息（电话脱敏）与其服务的网格。不在范围内或不存在均返回 404。",
)
async def get_team_member(member_id: UUID, session: SessionDep, principal: CurrentPrincipal) -> TeamMemberRead:
    return await service.get_member(session=session, member_id=member_id, scope=scope_of(principal))


@router.put(
    "/{member_id}/grids",
    response_model=TeamMemberRead,
    operation_id="set_team_member_grids",
    responses=problem_responses(404, 415),
    summary="调整成员服务的网格",
    description="以给出的网格替换成员服务的网格；网格须在成员所属社区，否则 422。",
)
async def set_team_member_grids(
    member_id: UUID, body: GridCodesUpdate, session: SessionDep, principal: Manager
) -> TeamMemberRead:
    return await service.set_grids(
        session=session, member_id=member_id, grid_codes=body.grid_codes, scope=scope_of(principal)
    )
