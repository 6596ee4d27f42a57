"""Fixtures of screening_svc's API tests. The ``system`` is shared by the whole session, so each test works on
grids it creates itself, in 新城街道's communities 320599003003 and 320599003004 (no demo grids there)."""

from collections.abc import Awaitable, Callable
from itertools import count

import pytest
from sqlalchemy import func, select, text

from services.testing import RunningSystem

TEST_COMMUNITY = "320599003004"
_names = count(1)


@pytest.fixture
def screening(system: RunningSystem):
    return system.clients["screening"]


@pytest.fixture
def new_grid(system: RunningSystem) -> Callable[..., Awaitable[dict]]:
    async def create(community_code: str = TEST_COMMUNITY, **changes) -> dict:
        body = {"community_code": community_code, "name": f"测试网格{next(_names)}", "households": 120, **changes}
        response = await system.clients["screening"].post(
            "/screening/v1/grids", json=body, headers=system.token("admin")
        )
        assert response.status_code == 201, response.text
        return response.json()

    return create


@pytest.fixture
def rows(system: RunningSystem) -> Callable[[str], Awaitable[int]]:
    async def count_rows(table: str) -> int:
        async with system.runtime("screening").session_factory() as session:
            return await session.scalar(select(func.count()).select_from(text(table)))

    return count_rows


@pytest.fixture
def outbox_events(system: RunningSystem) -> Callable[[str, str], Awaitable[list[dict]]]:
    """Events of a type this service staged whose payload mentions ``needle`` (published or not)."""
    import json

    async def find(event_type: str, needle: str) -> list[dict]:
        async with system.runtime("screening").session_factory() as session:
            payloads = await session.scalars(
                text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY seq"), {"t": event_type}
            )
            return [json.loads(p) for p in payloads if needle in p]

    return find
