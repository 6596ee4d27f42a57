"""Use cases of the organisation: keyword-only, flush only; each change stages `xinfang.jurisdiction.updated.v1`."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.catalogue import repository as catalogue
from routing_svc.jurisdictions import repository, rules
from routing_svc.jurisdictions.exceptions import (
    DepartmentInUse,
    DepartmentNotFound,
    DuplicateCode,
    HasActiveChildren,
    InvalidTreePlace,
    JurisdictionNotFound,
)
from routing_svc.jurisdictions.models import Department, Jurisdiction
from routing_svc.jurisdictions.schemas import DepartmentCreate, DepartmentUpdate, JurisdictionCreate, JurisdictionUpdate
from services.contracts.routing import Department as DepartmentData
from services.contracts.routing import JurisdictionNode, JurisdictionUpdated, JurisdictionUpdatedData
from services.db import add_event

STREAM = "jurisdiction"


async def create_node(*, session: AsyncSession, request: JurisdictionCreate) -> Jurisdiction:
    if await repository.unit(session, code=request.code) is not None:
        raise DuplicateCode(f"代码 {request.code} 已存在")
    parent = await repository.get(session, request.parent_code) if request.parent_code else None
    error = rules.check_node(
        code=request.code,
        level=request.level,
        parent_code=request.parent_code,
        parent_level=parent.level if parent is not None and parent.active else None,
    )
    if error is not None:
        raise InvalidTreePlace.of(error)
    node = Jurisdiction(**request.model_dump(exclude={"aliases"}), aliases=rules.clean_aliases(request.aliases))
    node.active = True
    if not await repository.add_new(session, [node]):
        raise DuplicateCode(f"代码 {request.code} 已存在")
    await stage_update(session=session, nodes=[node])
    return node


async def update_node(*, session: AsyncSession, code: str, request: JurisdictionUpdate) -> Jurisdiction:
    node = await get_node(session=session, code=code)
    if request.active is False and node.active:
        if not rules.can_deactivate(active_children=await repository.count_active_children(session, code=code)):
            raise HasActiveChildren()
    if request.active and node.parent_code and not (await get_node(session=session, code=node.parent_code)).active:
        raise InvalidTreePlace.of("parent_not_found")
    changes = request.model_dump(exclude_unset=True, exclude_none=True)
    if "aliases" in changes:
        changes["aliases"] = rules.clean_aliases(changes["aliases"])
    for field, value in changes.items():
        setattr(node, field, value)
    await session.flush()
    await stage_update(session=session, nodes=[node])
    return node


async def get_node(*, session: AsyncSession, code: str) -> Jurisdiction:
    node = await repository.get(session, code)
    if node is None:
        raise JurisdictionNotFound()
    return node


async def create_department(*, session: AsyncSession, request: DepartmentCreate) -> Department:
    if await repository.unit(session, code=request.code) is not None:
        raise DuplicateCode(f"代码 {request.code} 已存在")
    department = Department(code=request.code, name=request.name, levels=sorted(set(request.levels)), active=True)
    if not await repository.add_new(session, [department]):
        raise DuplicateCode(f"代码 {request.code} 已存在")
    await stage_update(session=session, departments=[department])
    return department


async def update_department(*, session: AsyncSession, code: str, request: DepartmentUpdate) -> Department:
    department = await get_department(session=session, code=code)
    remaining = set(request.levels if request.levels is not None else department.levels)
    if request.active is False:
        remaining = set()
    used = await catalogue.levels_using_department(session, department_code=code)
    if used - remaining:
        raise DepartmentInUse(f"分类目录在以下层级仍以该部门为主管部门：{'、'.join(sorted(used - remaining))}")
    for field, value in request.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(department, field, sorted(set(value)) if field == "levels" else value)
    await session.flush()
    await stage_update(session=session, departments=[department])
    return department


async def get_department(*, session: AsyncSession, code: str) -> Department:
    department = await repository.get_department(session, code)
    if department is None:
        raise DepartmentNotFound()
    return department


async def stage_update(
    *,
    session: AsyncSession,
    nodes: Sequence[Jurisdiction] = (),
    departments: Sequence[Department] = (),
    full: bool = False,
) -> int:
    """Stage one `jurisdiction.updated` event with the next version of the stream; returns that version."""
    version = await repository.next_version(session, stream=STREAM)
    data = JurisdictionUpdatedData(
        full=full,
        version=version,
        nodes=[JurisdictionNode.model_validate(node, from_attributes=True) for node in nodes],
        departments=[DepartmentData.model_validate(d, from_attributes=True) for d in departments],
    )
    await add_event(session, JurisdictionUpdated.create(subject=f"reference:{STREAM}", data=data))
    return version


async def publish_snapshot(*, session: AsyncSession) -> int:
    """Stage the full tree and every department (a receiver replaces its copy); returns the version."""
    nodes = await repository.list_all(session)
    departments = await repository.list_departments(session)
    return await stage_update(session=session, nodes=nodes, departments=departments, full=True)
