from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from routing_svc.catalogue import repository, service
from routing_svc.catalogue.schemas import CategoryCreate, CategoryRead, CategoryUpdate
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/categories", tags=["分类目录"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]
CategoryCode = Annotated[str, Path(pattern=r"^\d{2}(\d{2})?$", description="分类代码")]


@router.get(
    "",
    response_model=list[CategoryRead],
    operation_id="list_categories",
    summary="信访事项分类目录",
    description="两级分类（一级 2 位、二级 4 位代码）及各层级的主管部门（谁主管、谁负责），按代码排序。"
    "任何已登录用户可读；目录规模有限，一次返回全部。",
)
async def list_categories(
    session: SessionDep,
    _: CurrentPrincipal,
    include_inactive: Annotated[bool, Query(description="是否包含已停用的分类")] = False,
) -> list[CategoryRead]:
    categories = await repository.list_all(session, include_inactive=include_inactive)
    return await service.read_categories(session=session, categories=categories)


@router.get(
    "/{code}",
    response_model=CategoryRead,
    operation_id="get_category",
    responses=problem_responses(404),
    summary="查看分类",
    description="按分类代码查看一个分类及其分级主管部门。",
)
async def get_category(code: CategoryCode, session: SessionDep, _: CurrentPrincipal) -> CategoryRead:
    category = await service.get_category_row(session=session, code=code)
    return (await service.read_categories(session=session, categories=[category]))[0]


@router.post(
    "",
    status_code=201,
    response_model=CategoryRead,
    operation_id="create_category",
    responses=problem_responses(409, 415),
    summary="新增分类",
    description="新增一级或二级分类及其分级主管部门（仅管理员）。上级分类不存在、主管部门不存在或未在该层级设置 422，"
    "代码已存在 409。发布 xinfang.catalogue.updated.v1 增量。支持 Idempotency-Key。",
)
async def create_category(
    body: CategoryCreate, session: SessionDep, principal: Admin, request: Request, key: IdempotencyKey = None
):
    async def create() -> CategoryRead:
        return await service.create_category(session=session, request=body)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.patch(
    "/{code}",
    response_model=CategoryRead,
    operation_id="update_category",
    responses=problem_responses(404, 409, 415),
    summary="修改分类",
    description="修改名称、停用或启用、替换分级主管部门（仅管理员）。仍有启用二级分类的一级分类不能停用（409）。"
    "发布 xinfang.catalogue.updated.v1 增量。",
)
async def update_category(code: CategoryCode, body: CategoryUpdate, session: SessionDep, _: Admin) -> CategoryRead:
    return await service.update_category(session=session, code=code, request=body)
