"""Every query of the category catalogue and the dispatch catalogue.

The cases domain asks `competent_department(session, category_code=, level=)` for the department that must handle
a category at a level (谁主管、谁负责); a sub-category without its own entry inherits its top level's."""

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.catalogue import rules
from routing_svc.catalogue.models import Category, DispatchEntry
from routing_svc.jurisdictions.models import Department


async def get(session: AsyncSession, code: str) -> Category | None:
    return await session.get(Category, code)


async def category(session: AsyncSession, *, code: str) -> Category | None:
    return await session.get(Category, code)


async def list_all(session: AsyncSession, *, include_inactive: bool = True) -> Sequence[Category]:
    statement = select(Category).order_by(Category.code)
    if not include_inactive:
        statement = statement.where(Category.active.is_(True))
    return (await session.scalars(statement)).all()


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Category)) or 0


async def count_active_children(session: AsyncSession, *, code: str) -> int:
    statement = select(func.count()).where(Category.parent_code == code, Category.active.is_(True))
    return await session.scalar(statement) or 0


def add_all(session: AsyncSession, items: Sequence[Category | DispatchEntry]) -> None:
    session.add_all(items)


async def dispatch_map(session: AsyncSession, *, category_codes: Sequence[str] | None = None) -> dict[str, dict]:
    """category code → {level: department code}, for the given categories (all when None)."""
    statement = select(DispatchEntry)
    if category_codes is not None:
        statement = statement.where(DispatchEntry.category_code.in_(category_codes))
    found: dict[str, dict[str, str]] = {}
    for entry in (await session.scalars(statement)).all():
        found.setdefault(entry.category_code, {})[entry.level] = entry.department_code
    return found


async def replace_dispatch(session: AsyncSession, *, category_code: str, departments: Mapping[str, str]) -> None:
    await session.execute(delete(DispatchEntry).where(DispatchEntry.category_code == category_code))
    session.add_all(
        DispatchEntry(category_code=category_code, level=level, department_code=department)
        for level, department in departments.items()
    )


async def levels_using_department(session: AsyncSession, *, department_code: str) -> set[str]:
    statement = select(DispatchEntry.level).where(DispatchEntry.department_code == department_code)
    return set((await session.scalars(statement)).all())


async def competent_department(session: AsyncSession, *, category_code: str, level: str) -> Department | None:
    """The active department competent for a category at a level (street / district), or None."""
    codes = [category_code, *([rules.parent_of_category(category_code)] if len(category_code) == 4 else [])]
    department_code = rules.competent_department(
        await dispatch_map(session, category_codes=codes), category_code=category_code, level=level
    )
    department = await session.get(Department, department_code) if department_code else None
    return department if department is not None and department.active else None
