"""Repeat petitions attached to one case concurrently (same petitioner registering in a burst): none fails.

Every handler has read the original case (same ETag version) before any of them writes, the interleaving that made
the optimistic UPDATE of cases fail with StaleDataError: the count is now added in the database."""

import asyncio
import uuid

import pytest

from routing_svc.cases import repository
from routing_svc.cases.consumers import handlers
from services.contracts.intake import PetitionRegistered
from services.db.engine import make_engine, make_session_factory
from services.testing import petition_registered_event

REPEATS = 10


def _read_then_wait(monkeypatch: pytest.MonkeyPatch, original: uuid.UUID, barrier: asyncio.Barrier) -> None:
    """Hold every handler after it has read the original case, until all of them have."""
    read = repository.get_by_petition

    async def get_by_petition(session, petition_id):
        found = await read(session, petition_id)
        if petition_id == original:
            await barrier.wait()
        return found

    monkeypatch.setattr(repository, "get_by_petition", get_by_petition)


async def _deliver(routing, session_factory, event: PetitionRegistered) -> None:
    """As the inbox does: the handler in its own transaction."""
    handler = handlers(routing.runtime.settings)[PetitionRegistered]
    async with session_factory() as session, session.begin():
        await handler(session, event)


async def test_ten_repeats_attached_at_once_are_all_counted(routing, monkeypatch: pytest.MonkeyPatch) -> None:
    case = await routing.open_case()
    original = uuid.UUID(case["petition_id"])
    events = [petition_registered_event(repeat_of=original) for _ in range(REPEATS)]

    results = await _deliver_at_once(routing, monkeypatch, original, events)

    assert [r for r in results if isinstance(r, BaseException)] == []
    after = await routing.read(case["id"])
    assert after["repeat_count"] == REPEATS
    assert after["etag"] == case["etag"]  # a repeat changes nothing a client would overwrite: no 412 for handlers
    steps = await routing.client.get(f"/routing/v1/cases/{case['id']}/steps", headers=routing.token("admin"))
    assert sorted(s["details"]["petition_id"] for s in steps.json() if s["action"] == "repeat") == sorted(
        str(e.data.petition_id) for e in events
    )


async def _deliver_at_once(routing, monkeypatch, original: uuid.UUID, events: list) -> list:
    """PostgreSQL: every handler reads the case before any writes. SQLite serialises writers on the database file (a
    reader that waited there could not write at all), so there the handlers are only started together."""
    if routing.backend != "real":
        deliveries = (_deliver(routing, routing.runtime.session_factory, event) for event in events)
        return await asyncio.wait_for(asyncio.gather(*deliveries, return_exceptions=True), timeout=30)
    _read_then_wait(monkeypatch, original, asyncio.Barrier(len(events)))
    engine = make_engine(routing.runtime.settings.database_url, pool_size=len(events))  # one connection each
    try:
        deliveries = (_deliver(routing, make_session_factory(engine), event) for event in events)
        return await asyncio.wait_for(asyncio.gather(*deliveries, return_exceptions=True), timeout=30)
    finally:
        await engine.dispose()
