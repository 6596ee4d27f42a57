from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from routing_svc.catalogue import service as catalogue
from routing_svc.jurisdictions import repository, service
from routing_svc.jurisdictions.schemas import (
    AddressMatchRead,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    JurisdictionCreate,
    JurisdictionRead,
    JurisdictionUpdate,
    Level,
    ReferencePublished,
)
from services.http.auth import CurrentPrincipal, Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/jurisdictions", tags=["辖区"], responses=PROBLEM_RESPONSES)
departments_router = APIRouter(prefix="/departments", tags=["部门"], responses=PROBLEM_RESPONSES)
reference_router = APIRouter(prefix="/reference", tags=["参考数据"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]
IncludeInactive = Annotated[bool, Query(description="是否包含已停用的记录")]
JurisdictionCode = Annotated[str, Path(pattern=r"^\d{6}(\d{3}){0,2}$", description="区划代码")]
DepartmentCode = Annotated[str, Path(pattern=r"^[A-Z0-9-]{1,32}$", description="部门代码")]


@router.get(
    "",
    response_model=list[JurisdictionRead],
    operation_id="list_jurisdictions",
    summary="辖区树",
    description="区 → 街道 → 社区的全部节点，按代码排序（任何已登录用户可读）。可按层级、上级代码筛选；"
    "辖区树规模有限（一个区），一次返回全部，不分页。",
)
async def list_jurisdictions(
    session: SessionDep,
    _: CurrentPrincipal,
    level: Annotated[Level | None, Query(description="只看某一层级")] = None,
    parent_code: Annotated[str | None, Query(pattern=r"^\d{6}(\d{3})?$", description="只看某辖区的直接下级")] = None,
    include_inactive: IncludeInactive = False,
) -> list[JurisdictionRead]:
    nodes = await repository.list_all(session, level=level, parent_code=parent_code, include_inactive=include_inactive)
    return [JurisdictionRead.model_validate(node) for node in nodes]


@router.get(
    "/match",
    response_model=AddressMatchRead,
    operation_id="match_address",
    summary="由地址找社区",
    description="按社区名称与地址别名（小区名、路名）匹配地址所在的社区，最长匹配优先；地址中写明的街道优先。"
    "找不到或多个社区同样匹配时 community 为空（不猜测）。",
)
async def match_address(
    session: SessionDep,
    _: CurrentPrincipal,
    address: Annotated[str, Query(min_length=2, max_length=200, description="地址，如 清河区长桥街道柳岸路 18 号")],
) -> AddressMatchRead:
    community = await repository.match_address(session, address=address)
    street = await repository.parent_of(session, code=community.code) if community is not None else None
    return AddressMatchRead(
        address=address,
        community=JurisdictionRead.model_validate(community) if community else None,
        street=JurisdictionRead.model_validate(street) if street else None,
    )


@router.get(
    "/{code}",
    response_model=JurisdictionRead,
    operation_id="get_jurisdiction",
    responses=problem_responses(404),
    summary="查看辖区",
    description="按区划代码查看一个辖区（含已停用的）。",
)
async def get_jurisdiction(code: JurisdictionCode, session: SessionDep, _: CurrentPrincipal) -> JurisdictionRead:
    return JurisdictionRead.model_validate(await service.get_node(session=session, code=code))


@router.post(
    "",
    status_code=201,
    response_model=JurisdictionRead,
    operation_id="create_jurisdiction",
    responses=problem_responses(409, 415),
    summary="新增辖区",
    description="新增街道或社区（仅管理员）。代码位数须与层级相符并以上级代码开头；上级不存在或已停用 422，"
    "代码已存在 409。发布 xinfang.jurisdiction.updated.v1 增量。支持 Idempotency-Key。",
)
async def create_jurisdiction(
    body: JurisdictionCreate, session: SessionDep, principal: Admin, request: Request, key: IdempotencyKey = None
):
    async def create() -> JurisdictionRead:
        return JurisdictionRead.model_validate(await service.create_node(session=session, request=body))

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.patch(
    "/{code}",
    response_model=JurisdictionRead,
    operation_id="update_jurisdiction",
    responses=problem_responses(404, 409, 415),
    summary="修改辖区",
    description="修改名称、替换地址别名、停用或启用（仅管理员）。仍有启用下级的辖区不能停用（409）。"
    "发布 xinfang.jurisdiction.updated.v1 增量。",
)
async def update_jurisdiction(
    code: JurisdictionCode, body: JurisdictionUpdate, session: SessionDep, _: Admin
) -> JurisdictionRead:
    return JurisdictionRead.model_validate(await service.update_node(session=session, code=code, request=body))


@departments_router.get(
    "",
    response_model=list[DepartmentRead],
    operation_id="list_departments",
    summary="职能部门",
    description="区的职能部门及其设置层级（区级、街道级），按代码排序（任何已登录用户可读）。",
)
async def list_departments(
    session: SessionDep, _: CurrentPrincipal, include_inactive: IncludeInactive = False
) -> list[DepartmentRead]:
    departments = await repository.list_departments(session, include_inactive=include_inactive)
    return [DepartmentRead.model_validate(d) for d in departments]


@departments_router.get(
    "/{code}",
    response_model=DepartmentRead,
    operation_id="get_department",
    responses=problem_responses(404),
    summary="查看部门",
    description="按部门代码查看一个职能部门。",
)
async def get_department(code: DepartmentCode, session: SessionDep, _: CurrentPrincipal) -> DepartmentRead:
    return DepartmentRead.model_validate(await service.get_department(session=session, code=code))


@departments_router.post(
    "",
    status_code=201,
    response_model=DepartmentRead,
    operation_id="create_department",
    responses=problem_responses(409, 415),
    summary="新增部门",
    description="新增职能部门（仅管理员）；代码已被部门或辖区使用时 409。发布 xinfang.jurisdiction.updated.v1 增量。"
    "支持 Idempotency-Key。",
)
async def create_department(
    body: DepartmentCreate, session: SessionDep, principal: Admin, request: Request, key: IdempotencyKey = None
):
    async def create() -> DepartmentRead:
        return DepartmentRead.model_validate(await service.create_department(session=session, request=body))

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@departments_router.patch(
    "/{code}",
    response_model=DepartmentRead,
    operation_id="update_department",
    responses=problem_responses(404, 409, 415),
    summary="修改部门",
    description="修改名称、设置层级，停用或启用（仅管理员）。分类目录仍在某层级以它为主管部门时，"
    "不能停用或去掉该层级（409）。发布 xinfang.jurisdiction.updated.v1 增量。",
)
async def update_department(
    code: DepartmentCode, body: DepartmentUpdate, session: SessionDep, _: Admin
) -> DepartmentRead:
    return DepartmentRead.model_validate(await service.update_department(session=session, code=code, request=body))


@reference_router.post(
    "/publish",
    response_model=ReferencePublished,
    operation_id="publish_reference_data",
    summary="发布参考数据快照",
    description="把完整的辖区树与部门（xinfang.jurisdiction.updated.v1）和分类目录（xinfang.catalogue.updated.v1）"
    "作为完整快照（full=true）发布，供受理、排查服务重建副本（仅管理员）。",
)
async def publish_reference_data(session: SessionDep, _: Admin) -> ReferencePublished:
    return ReferencePublished(
        jurisdiction_version=await service.publish_snapshot(session=session),
        catalogue_version=await catalogue.publish_snapshot(session=session),
    )
