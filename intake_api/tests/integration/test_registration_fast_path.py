"""What registration's shortcuts must not change: the reference copies are cached per process but a change committed
by another process (another engine on the same database) is seen once the recheck interval has passed, a change
committed by this process at once, and a change rolled back never; a new petitioner registered by concurrent requests
is stored once (no savepoint, ON CONFLICT)."""

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.reference import service, snapshot
from intake_api.reference.models import ReferenceVersion
from services.contracts.routing import CatalogueUpdatedData, Category
from services.db import make_engine, make_session_factory
from services.testing import RunningSystem

URL = "/intake/v1/petitions"


async def register(system: RunningSystem, body: dict) -> int:
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("reception"))
    return response.status_code


async def apply_newer(sessions: async_sessionmaker, category: Category, *, commit: bool = True) -> None:
    async with sessions() as session:
        current = select(ReferenceVersion.version).where(ReferenceVersion.name == service.CATALOGUE)
        version = await session.scalar(current)
        data = CatalogueUpdatedData(full=False, categories=[category], version=version + 1)
        assert await service.apply_catalogue(session=session, data=data)
        assert (await service.copies(session)).category_known(category.code) is category.active
        await (session.commit() if commit else session.rollback())


async def apply_elsewhere(system: RunningSystem, category: Category) -> None:
    """Through an engine of its own on the same database, as another intake process would."""
    engine = make_engine(system.runtime("intake").settings.database_url, pool_size=1)
    try:
        await apply_newer(make_session_factory(engine), category)
    finally:
        await engine.dispose()


async def test_a_copy_changed_by_another_process_is_seen_once_the_recheck_interval_passed(
    system: RunningSystem,
    person,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    now = [snapshot._clock() + 3600.0]  # later than any check made before, on the real clock
    monkeypatch.setattr(snapshot, "_clock", lambda: now[0])
    interval = system.runtime("intake").settings.reference_recheck_seconds
    assert interval > 0
    assert await register(system, person(category_code="1197")) == 422  # the copy is cached now, without 1197
    await apply_elsewhere(system, Category(code="1197", name="另一进程新增"))
    now[0] += interval * 0.9
    assert await register(system, person(category_code="1197")) == 422  # checked less than the interval ago
    now[0] += interval * 0.2
    assert await register(system, person(category_code="1197")) == 201
    await apply_elsewhere(system, Category(code="1197", name="另一进程新增", active=False))
    now[0] += interval * 1.1
    assert await register(system, person(category_code="1197")) == 422


async def test_a_copy_change_rolled_back_is_never_seen(system: RunningSystem, person) -> None:  # noqa: ANN001
    """In the service's own process, then another change committed under the same version: the session that applied
    the first read the copy past the cache, so no snapshot of the rolled-back rows is labelled with that version."""
    sessions = system.runtime("intake").session_factory
    await apply_newer(sessions, Category(code="1196", name="回滚的分类"), commit=False)
    await apply_newer(sessions, Category(code="1195", name="同一版本号提交的分类"))
    assert await register(system, person(category_code="1196")) == 422
    assert await register(system, person(category_code="1195")) == 201


async def test_concurrent_first_registrations_store_one_petitioner(
    system: RunningSystem,
    person,  # noqa: ANN001
) -> None:
    body = person()
    bodies = [{**body, "content": f"{body['content']}（另：{n}号楼电梯停运）"} for n in range(5)]
    responses = await asyncio.gather(
        *(system.clients["intake"].post(URL, json=b, headers=system.token("reception")) for b in bodies)
    )
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    settings = system.runtime("intake").settings
    id_hash = PetitionerCrypto.from_settings(settings).id_hash(body["petitioner"]["id_number"])
    async with system.runtime("intake").session_factory() as session:
        stored = await session.scalar(select(func.count()).where(Petitioner.id_number_hash == id_hash))
    assert stored == 1
