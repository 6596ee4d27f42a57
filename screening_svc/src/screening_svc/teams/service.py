"""Use cases of the grid forces: register a member (phone encrypted), change the grids they serve."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids import rules as grid_rules
from screening_svc.grids.exceptions import UnknownCommunity
from screening_svc.grids.rules import Scope
from screening_svc.reference import repository as reference
from screening_svc.teams import repository, rules
from screening_svc.teams.exceptions import BackgroundMismatch, GridOutsideCommunity, TeamMemberNotFound
from screening_svc.teams.models import TeamMember
from screening_svc.teams.schemas import TeamMemberCreate, TeamMemberRead
from services.ids import uuid7
from services.pii import Cipher, mask_phone


async def register_member(
    *, session: AsyncSession, request: TeamMemberCreate, scope: Scope, cipher: Cipher, now: datetime
) -> TeamMemberRead:
    if not grid_rules.covers(scope, request.community_code) or not await reference.community(
        session, request.community_code
    ):
        raise UnknownCommunity()
    if not rules.background_fits(request.role, request.background):
        raise BackgroundMismatch(list(rules.BACKGROUNDS[request.role]))
    await _check_grids(session, grid_codes=request.grid_codes, community_code=request.community_code)
    member = _new_member(request, cipher=cipher, now=now)
    repository.add(session, member)
    await session.flush()
    await repository.replace_assignments(session, member_id=member.id, grid_codes=request.grid_codes)
    await session.flush()
    return _read(member, sorted(set(request.grid_codes)))


def _new_member(request: TeamMemberCreate, *, cipher: Cipher, now: datetime) -> TeamMember:
    member_id = uuid7()
    return TeamMember(
        id=member_id,
        community_code=request.community_code,
        name=request.name,
        role=request.role,
        background=request.background,
        skills=request.skills,
        phone_encrypted=cipher.encrypt(request.phone, bind=rules.phone_binding(member_id)),
        phone_masked=mask_phone(request.phone),
        created_at=now,
    )


async def _check_grids(session: AsyncSession, *, grid_codes: list[str], community_code: str) -> None:
    known = await repository.codes_in_community(session, codes=grid_codes, community_code=community_code)
    for index, code in enumerate(grid_codes):
        if code not in known:
            raise GridOutsideCommunity(index)


async def set_grids(*, session: AsyncSession, member_id: UUID, grid_codes: list[str], scope: Scope) -> TeamMemberRead:
    member = await repository.get_visible(session, member_id=member_id, scope=scope)
    if member is None or not grid_rules.covers(scope, member.community_code):
        raise TeamMemberNotFound()
    await _check_grids(session, grid_codes=grid_codes, community_code=member.community_code)
    await repository.replace_assignments(session, member_id=member.id, grid_codes=grid_codes)
    await session.flush()
    return _read(member, sorted(set(grid_codes)))


async def get_member(*, session: AsyncSession, member_id: UUID, scope: Scope) -> TeamMemberRead:
    member = await repository.get_visible(session, member_id=member_id, scope=scope)
    if member is None:
        raise TeamMemberNotFound()
    return _read(member, (await repository.grid_codes_of(session, [member.id]))[member.id])


async def list_members(
    *, session: AsyncSession, scope: Scope, grid_code: str | None, after: UUID | None, limit: int
) -> list[TeamMemberRead]:
    members = await repository.list_members(session, scope=scope, grid_code=grid_code, after=after, limit=limit)
    served = await repository.grid_codes_of(session, [m.id for m in members])
    return [_read(m, served[m.id]) for m in members]


def _read(member: TeamMember, grid_codes: list[str]) -> TeamMemberRead:
    return TeamMemberRead.model_validate(
        {**{k: getattr(member, k) for k in TeamMemberRead.model_fields if k != "grid_codes"}, "grid_codes": grid_codes}
    )
