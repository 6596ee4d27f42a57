from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response

from intake_api.onsite.knowledge import service
from intake_api.onsite.knowledge.models import KnowledgeEntry, KnowledgeVersion
from intake_api.onsite.knowledge.schemas import (
    KnowledgeEntryCreate,
    KnowledgeEntryRead,
    KnowledgeEntryUpdate,
    KnowledgeHit,
    KnowledgeSearchResult,
    KnowledgeVersionRead,
    RetirementRequest,
)
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_JSON, PROBLEM_RESPONSES, Problem, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/knowledge", tags=["知识库"], responses=PROBLEM_RESPONSES)

Manager = Annotated[Principal, require_roles("supervisor", "admin")]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200, description="条目的 ETag（读取时的响应头）")]
Category = Annotated[str | None, Query(pattern=r"^\d{2}(\d{2})?$", description="按分类代码筛选（含下级分类）")]
MANAGERS = ("supervisor", "admin")
_PRECONDITIONS = (
    problem_responses(404, 409, 415)
    | {
        412: {
            "model": Problem,
            "description": "If-Match 与条目当前 ETag 不符（已被他人修改）",
            "content": {PROBLEM_JSON: {}},
        }
    }
    | {428: {"model": Problem, "description": "修改条目须携带 If-Match 请求头", "content": {PROBLEM_JSON: {}}}}
)


@router.get(
    "/search",
    response_model=KnowledgeSearchResult,
    operation_id="search_knowledge",
    summary="检索知识库",
    description="用中文检索使用中的条目：查询语句经 jieba 分词后与条目的问题、关键词、答复比对，"
    "按命中的检索词数、再按权重之和排序，返回前 limit 条及所用的检索词。",
)
async def search_knowledge(
    session: SessionDep,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=200, description="查询语句，如“拖欠工资怎么投诉”")],
    limit: Annotated[int, Query(ge=1, le=20, description="返回条数，最多 20")] = 10,
    category: Category = None,
) -> KnowledgeSearchResult:
    terms, hits = await service.search(session=session, query=q, limit=limit, category=category)
    items = [KnowledgeHit(**_read(e, v).model_dump(), matched_terms=m, score=s) for e, v, m, s in hits]
    return KnowledgeSearchResult(terms=terms, items=items)


@router.get(
    "",
    response_model=Page[KnowledgeEntryRead],
    operation_id="list_knowledge_entries",
    summary="知识库条目列表",
    description="按创建先后列出条目及其当前版本，游标分页。督查人员与管理员可用 include_retired 同时列出已停用的条目。",
)
async def list_knowledge_entries(
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Limit = 20,
    cursor: Cursor = None,
    category: Category = None,
    include_retired: Annotated[bool, Query(description="包含已停用条目（仅督查人员、管理员）")] = False,
) -> Page[KnowledgeEntryRead]:
    rows = await service.list_entries(
        session=session, after=cursor_uuid(cursor), limit=limit, category=category,
        include_retired=include_retired and principal.has_any(*MANAGERS),
    )  # fmt: skip
    return page_of([_read(entry, version) for entry, version in rows], limit=limit)


@router.post(
    "",
    status_code=201,
    response_model=KnowledgeEntryRead,
    operation_id="create_knowledge_entry",
    responses=problem_responses(409, 415),
    summary="新建知识库条目",
    description="督查人员或管理员新建问答条目（第 1 版），立即可被检索。支持 Idempotency-Key。",
)
async def create_knowledge_entry(
    body: KnowledgeEntryCreate, session: SessionDep, principal: Manager, request: Request, key: IdempotencyKey = None
):
    async def create() -> KnowledgeEntryRead:
        return _read(*await service.create_entry(session=session, request=body, principal=principal))

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/{entry_id}",
    response_model=KnowledgeEntryRead,
    operation_id="get_knowledge_entry",
    responses=problem_responses(404),
    summary="查看知识库条目",
    description="返回条目及其当前版本（或 version 指定的历史版本）；响应头 ETag 为当前版本号，修改时作为 If-Match。",
)
async def get_knowledge_entry(
    entry_id: UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    version: Annotated[int | None, Query(ge=1, le=1_000_000, description="版本号；不填为当前版本")] = None,
) -> KnowledgeEntryRead:
    entry, found = await service.get_entry(session=session, entry_id=entry_id, version=version)
    response.headers["ETag"] = service.etag(entry)
    return _read(entry, found)


@router.get(
    "/{entry_id}/versions",
    response_model=list[KnowledgeVersionRead],
    operation_id="list_knowledge_versions",
    responses=problem_responses(404),
    summary="知识库条目的历次版本",
    description="按版本号顺序列出条目的全部版本（答复口径的修订历史）。",
)
async def list_knowledge_versions(
    entry_id: UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[KnowledgeVersionRead]:
    rows = await service.list_versions(session=session, entry_id=entry_id)
    return [KnowledgeVersionRead.model_validate(row) for row in rows]


@router.put(
    "/{entry_id}",
    response_model=KnowledgeEntryRead,
    operation_id="update_knowledge_entry",
    responses=_PRECONDITIONS,
    summary="修改知识库条目（新版本）",
    description="督查人员或管理员提交完整的新内容，保存为新的一版，旧版保留；须带 If-Match（读取时的 ETag），"
    "缺少返回 428，条目已被他人修改返回 412，已停用的条目返回 409。",
)
async def update_knowledge_entry(
    entry_id: UUID,
    body: KnowledgeEntryUpdate,
    session: SessionDep,
    principal: Manager,
    response: Response,
    if_match: IfMatch = None,
) -> KnowledgeEntryRead:
    entry, version = await service.update_entry(
        session=session, entry_id=entry_id, request=body, principal=principal, if_match=if_match
    )
    response.headers["ETag"] = service.etag(entry)
    return _read(entry, version)


@router.post(
    "/{entry_id}/retirement",
    response_model=KnowledgeEntryRead,
    operation_id="retire_knowledge_entry",
    responses=problem_responses(404, 415),
    summary="停用知识库条目",
    description="督查人员或管理员停用条目：不再被检索，也不能用于新的咨询答复；已作出的答复记录仍引用原版本。重复停用无副作用。",
)
async def retire_knowledge_entry(
    entry_id: UUID, body: RetirementRequest, session: SessionDep, principal: Manager
) -> KnowledgeEntryRead:
    return _read(*await service.retire_entry(session=session, entry_id=entry_id, reason=body.reason))


def _read(entry: KnowledgeEntry, version: KnowledgeVersion) -> KnowledgeEntryRead:
    return KnowledgeEntryRead(
        id=entry.id, category_code=entry.category_code, status=entry.status, current_version=entry.current_version,
        created_at=entry.created_at, updated_at=entry.updated_at, retired_at=entry.retired_at,
        retired_reason=entry.retired_reason,
        answer=KnowledgeVersionRead.model_validate(version),
    )  # fmt: skip
