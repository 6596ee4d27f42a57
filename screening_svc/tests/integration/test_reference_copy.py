"""The read-only copies of routing_svc's tree and catalogue: newer versions apply, full snapshots replace.
Each test works in a transaction it rolls back, so the shared system keeps routing_svc's copy."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.reference import repository, service
from services.contracts.routing import CatalogueUpdatedData, Category, JurisdictionNode, JurisdictionUpdatedData
from services.testing import RunningSystem

NEW = JurisdictionNode(code="320599003009", name="新社区", level="community", parent_code="320599003")


@pytest.fixture
async def session(system: RunningSystem) -> AsyncIterator[AsyncSession]:
    async with system.runtime("screening").session_factory() as session:
        await session.begin()
        try:
            yield session
        finally:
            await session.rollback()


async def test_an_increment_adds_and_an_older_version_is_ignored(session: AsyncSession) -> None:
    version = await repository.version(session, "jurisdiction") or 0
    assert await repository.community(session, NEW.code) is None
    assert await service.apply_jurisdictions(session=session, data=JurisdictionUpdatedData(
        full=False, nodes=[NEW], version=version + 1))  # fmt: skip
    assert (await repository.community(session, NEW.code)).name == "新社区"
    assert await repository.community(session, "320599001001") is not None
    inactive = NEW.model_copy(update={"active": False})
    assert not await service.apply_jurisdictions(session=session, data=JurisdictionUpdatedData(
        full=False, nodes=[inactive], version=version + 1))  # fmt: skip
    assert await repository.community(session, NEW.code) is not None
    assert await service.apply_jurisdictions(session=session, data=JurisdictionUpdatedData(
        full=False, nodes=[inactive], version=version + 2))  # fmt: skip
    assert await repository.community(session, NEW.code) is None


async def test_a_full_snapshot_replaces_the_copy(session: AsyncSession) -> None:
    version = await repository.version(session, "catalogue") or 0
    data = CatalogueUpdatedData(full=True, categories=[Category(code="99", name="测试")], version=version + 1)
    assert await service.apply_catalogue(session=session, data=data)
    assert [c.code for c in await repository.list_categories(session)] == ["99"]
    assert await repository.active_category(session, "0301") is None


async def test_a_street_is_not_a_community(session: AsyncSession) -> None:
    assert await repository.community(session, "320599003") is None
    assert await repository.community(session, "320599003004") is not None
