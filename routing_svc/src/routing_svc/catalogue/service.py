"""Use cases of the category catalogue: keyword-only, flush only; each change stages `xinfang.catalogue.updated.v1`."""

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.catalogue import repository, rules
from routing_svc.catalogue.exceptions import (
    CategoryHasActiveChildren,
    CategoryNotFound,
    DuplicateCategory,
    InvalidCatalogueEntry,
)
from routing_svc.catalogue.models import Category
from routing_svc.catalogue.schemas import CategoryCreate, CategoryRead, CategoryUpdate
from routing_svc.jurisdictions import repository as organisation
from services.contracts.routing import CatalogueUpdated, CatalogueUpdatedData
from services.contracts.routing import Category as CategoryData
from services.db import add_event

STREAM = "catalogue"


async def create_category(*, session: AsyncSession, request: CategoryCreate) -> CategoryRead:
    if await repository.get(session, request.code) is not None:
        raise DuplicateCategory(f"分类代码 {request.code} 已存在")
    parent = await repository.get(session, request.parent_code) if request.parent_code else None
    error = rules.check_category(
        code=request.code, parent_code=request.parent_code, parent_exists=parent is not None and parent.active
    )
    if error is not None:
        raise InvalidCatalogueEntry.of(error)
    await _check_departments(session, request.departments)
    category = Category(code=request.code, name=request.name, parent_code=request.parent_code, active=True)
    if not await organisation.add_new(session, [category]):
        raise DuplicateCategory(f"分类代码 {request.code} 已存在")
    await repository.replace_dispatch(session, category_code=category.code, departments=request.departments)
    await session.flush()
    return (await stage_update(session=session, categories=[category]))[0]


async def update_category(*, session: AsyncSession, code: str, request: CategoryUpdate) -> CategoryRead:
    category = await get_category_row(session=session, code=code)
    if request.active is False and await repository.count_active_children(session, code=code):
        raise CategoryHasActiveChildren()
    if request.departments is not None:
        await _check_departments(session, request.departments)
        await repository.replace_dispatch(session, category_code=code, departments=request.departments)
    for field in ("name", "active"):
        if getattr(request, field) is not None:
            setattr(category, field, getattr(request, field))
    await session.flush()
    return (await stage_update(session=session, categories=[category]))[0]


async def _check_departments(session: AsyncSession, departments: Mapping[str, str]) -> None:
    failed = rules.check_dispatch(departments, known=await organisation.department_levels(session))
    if failed is not None:
        level, error = failed
        raise InvalidCatalogueEntry.of(error, where=f"/{level}")


async def get_category_row(*, session: AsyncSession, code: str) -> Category:
    category = await repository.get(session, code)
    if category is None:
        raise CategoryNotFound()
    return category


async def read_categories(*, session: AsyncSession, categories: Sequence[Category]) -> list[CategoryRead]:
    """Categories with their dispatch entries, as the API and the events show them."""
    dispatch = await repository.dispatch_map(session, category_codes=[c.code for c in categories])
    return [
        CategoryRead(
            code=c.code, name=c.name, parent_code=c.parent_code, active=c.active, departments=dispatch.get(c.code, {})
        )
        for c in categories
    ]


async def stage_update(*, session: AsyncSession, categories: Sequence[Category], full: bool = False) -> list:
    """Stage one `catalogue.updated` event with the stream's next version; returns the categories as read."""
    read = await read_categories(session=session, categories=categories)
    version = await organisation.next_version(session, stream=STREAM)
    data = CatalogueUpdatedData(
        full=full, version=version, categories=[CategoryData(**item.model_dump()) for item in read]
    )
    await add_event(session, CatalogueUpdated.create(subject=f"reference:{STREAM}", data=data))
    return read


async def publish_snapshot(*, session: AsyncSession) -> int:
    """Stage the whole catalogue (a receiver replaces its copy); returns the version."""
    await stage_update(session=session, categories=await repository.list_all(session), full=True)
    return await organisation.current_version(session, stream=STREAM)
