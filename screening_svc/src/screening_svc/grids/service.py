"""Use cases of grids: set up a grid in a community of the reference tree, read one with its team."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids import repository, rules
from screening_svc.grids.exceptions import CommunityFull, GridNotFound, UnknownCommunity
from screening_svc.grids.models import Grid
from screening_svc.grids.rules import Scope
from screening_svc.grids.schemas import GridCreate, GridUpdate
from screening_svc.reference import repository as reference
from services.ids import uuid7


async def create_grid(*, session: AsyncSession, request: GridCreate, scope: Scope, today: date) -> Grid:
    if not rules.covers(scope, request.community_code) or not await reference.community(
        session, request.community_code
    ):
        raise UnknownCommunity()
    sequence = rules.next_sequence(await repository.codes_in_community(session, request.community_code))
    if sequence > rules.MAX_GRIDS_PER_COMMUNITY:
        raise CommunityFull()
    grid = Grid(
        code=rules.grid_code(request.community_code, sequence),
        id=uuid7(),
        name=request.name,
        community_code=request.community_code,
        households=request.households,
        sweeps_per_week=request.sweeps_per_week,
        active_from=request.active_from or today,
    )
    repository.add(session, grid)
    await session.flush()
    return grid


async def get_grid(*, session: AsyncSession, code: str, scope: Scope) -> Grid:
    grid = await repository.get_visible(session, code=code, scope=scope)
    if grid is None:
        raise GridNotFound()
    return grid


async def update_grid(*, session: AsyncSession, code: str, request: GridUpdate, scope: Scope) -> Grid:
    grid = await get_grid(session=session, code=code, scope=scope)
    if not rules.covers(scope, grid.community_code):
        raise GridNotFound()
    for field, value in request.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(grid, field, value)
    await session.flush()
    return grid
