"""Helpers of intake's API tests: fresh petitioners (a valid ID number each) and row counts."""

import random
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from services import pii
from services.testing import PETITION, RunningSystem


def valid_id_number() -> str:
    birth = f"{random.randint(1950, 2005)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    first17 = f"320502{birth}{random.randint(0, 999):03d}"
    return first17 + pii.id_check_digit(first17)


@pytest.fixture
def new_id_number() -> Callable[[], str]:
    return valid_id_number


@pytest.fixture
def person() -> Callable[..., dict]:
    """A petition body of a new petitioner (an ID number nobody used), a visit unless changed."""

    def make(**changes: object) -> dict:
        petitioner = {**PETITION["petitioner"], "id_number": valid_id_number()}
        return {**PETITION, "channel": "visit", "petitioner": petitioner, **changes}

    return make


async def row_count(system: RunningSystem, *tables: object) -> tuple[int, ...]:
    async with system.runtime("intake").session_factory() as session:
        return tuple([await session.scalar(select(func.count()).select_from(table)) for table in tables])
