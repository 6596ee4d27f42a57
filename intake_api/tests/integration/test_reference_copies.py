"""intake's read-only copies of routing_svc's catalogue and jurisdiction tree, kept from their events: newer
versions apply (incrementally or as a full snapshot), older ones are ignored, and registration checks against them."""

from sqlalchemy import select

from intake_api.reference import repository, service
from intake_api.reference.models import ReferenceCategory, ReferenceVersion
from services.contracts.routing import CatalogueUpdatedData, Category
from services.testing import PETITION, RunningSystem


async def apply(system: RunningSystem, data: CatalogueUpdatedData) -> bool:
    async with system.runtime("intake").session_factory() as session, session.begin():
        return await service.apply_catalogue(session=session, data=data)


async def current_version(system: RunningSystem) -> int:
    async with system.runtime("intake").session_factory() as session:
        found = await session.scalar(select(ReferenceVersion.version).where(ReferenceVersion.name == service.CATALOGUE))
        return repository.NEVER if found is None else found


async def register(system: RunningSystem, category_code: str) -> int:
    response = await system.clients["intake"].post(
        "/intake/v1/petitions", json={**PETITION, "category_code": category_code}, headers=system.token("reception")
    )
    return response.status_code


async def test_newer_versions_apply_and_older_are_ignored(system: RunningSystem) -> None:
    version = await current_version(system) + 10
    added = Category(code="1199", name="测试分类", parent_code=None)
    assert await apply(system, CatalogueUpdatedData(full=False, categories=[added], version=version)) is True
    assert await register(system, "1199") == 201

    stale = Category(code="1199", name="测试分类", active=False)
    assert await apply(system, CatalogueUpdatedData(full=False, categories=[stale], version=version - 1)) is False
    assert await register(system, "1199") == 201

    assert await apply(system, CatalogueUpdatedData(full=False, categories=[stale], version=version + 1)) is True
    assert await register(system, "1199") == 422  # inactive now
    async with system.runtime("intake").session_factory() as session:
        row = await session.get(ReferenceCategory, "1199")
        assert (row.name, row.active) == ("测试分类", False)
    assert await current_version(system) == version + 1


async def test_the_demo_copy_knows_the_district(system: RunningSystem) -> None:
    assert await register(system, "0301") == 201
    assert await register(system, "0000") == 422
    async with system.runtime("intake").session_factory() as session:
        assert await service.community_known(session=session, code="320599001001") is True
        assert await service.community_known(session=session, code="320599001") is False  # a street, not a community
