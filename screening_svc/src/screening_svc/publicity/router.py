from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from screening_svc.grids.rules import MANAGER_ROLES, scope_of
from screening_svc.publicity import service
from screening_svc.publicity.schemas import (
    ContentKind,
    EventKind,
    PublicityContentCreate,
    PublicityContentRead,
    PublicityEventCreate,
    PublicityEventRead,
)
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/publicity", tags=["法治宣传"], responses=PROBLEM_RESPONSES)

Organiser = Annotated[Principal, require_roles("grid_worker", "volunteer", *MANAGER_ROLES)]
Editor = Annotated[Principal, require_roles(*MANAGER_ROLES)]


@router.post(
    "/events",
    status_code=201,
    response_model=PublicityEventRead,
    operation_id="record_publicity_event",
    responses=problem_responses(415),
    summary="登记法治宣传活动",
    description="登记在本辖区社区开展的信访法治进社区、信访故事分享会、宣传栏等活动：地点、日期、受众人数"
    "（计入月度研判）。社区不在辖区内时返回 422。支持 Idempotency-Key。",
)
async def record_publicity_event(
    body: PublicityEventCreate, session: SessionDep, principal: Organiser, request: Request, key: IdempotencyKey = None
):
    async def create() -> PublicityEventRead:
        return await service.record_event(
            session=session, request=body, scope=scope_of(principal), recorded_by=principal.sub, now=datetime.now(UTC)
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/events",
    response_model=Page[PublicityEventRead],
    operation_id="list_publicity_events",
    summary="法治宣传活动列表",
    description="本辖区社区的法治宣传活动，可按类型筛选，游标分页。",
)
async def list_publicity_events(
    session: SessionDep,
    principal: CurrentPrincipal,
    kind: Annotated[EventKind | None, Query(description="活动类型")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[PublicityEventRead]:
    found = await service.list_events(
        session=session, scope=scope_of(principal), kind=kind, after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of(found, limit=limit)


@router.post(
    "/contents",
    status_code=201,
    response_model=PublicityContentRead,
    operation_id="publish_publicity_content",
    responses=problem_responses(415),
    summary="发布宣传内容",
    description="信访局工作人员发布信访小课堂短视频、案例解析、图文到宣传内容目录；可指定未来的发布时间（定时发布）。"
    "支持 Idempotency-Key。",
)
async def publish_publicity_content(
    body: PublicityContentCreate, session: SessionDep, principal: Editor, request: Request, key: IdempotencyKey = None
):
    async def create() -> PublicityContentRead:
        return await service.publish_content(
            session=session, request=body, created_by=principal.sub, now=datetime.now(UTC)
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/contents",
    response_model=Page[PublicityContentRead],
    operation_id="list_publicity_contents",
    summary="宣传内容目录（公开）",
    description="已发布的宣传内容，最新在前，游标分页。公开接口，无需令牌：门户网站与官方公众号、视频号直接列出。",
)
async def list_publicity_contents(
    session: SessionDep,
    kind: Annotated[ContentKind | None, Query(description="内容类型")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[PublicityContentRead]:
    found = await service.list_published(
        session=session, now=datetime.now(UTC), kind=kind, before=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of(found, limit=limit)
