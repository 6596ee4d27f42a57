"""Who sees which grid (ADR 0016): pure decisions on a caller's roles, jurisdiction and team membership."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

from services.http.auth import Principal

MANAGER_ROLES = ("handler", "supervisor", "leader", "admin")
"""Community, street and district staff: set up grids and teams, read everything in their jurisdiction."""
TEAM_ROLES = ("grid_worker", "informant", "volunteer")
"""The grid forces; a token whose ``sub`` is a team member's id also reaches the grids that member serves."""
MAX_GRIDS_PER_COMMUNITY = 99
CHINA = timezone(timedelta(hours=8), "CST")
"""Weeks, days and deadlines of grid work are counted in China Standard Time (no daylight saving)."""


def local_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


@dataclass(frozen=True, slots=True)
class Scope:
    """The grids a caller may see: everything (admin), a jurisdiction's communities, a team member's grids."""

    everything: bool
    jurisdiction: str | None
    member_id: UUID | None

    @property
    def empty(self) -> bool:
        return not (self.everything or self.jurisdiction or self.member_id)


def member_id_of(sub: str) -> UUID | None:
    try:
        return UUID(sub)
    except ValueError:
        return None


def scope_of(principal: Principal) -> Scope:
    member_id = member_id_of(principal.sub) if principal.has_any(*TEAM_ROLES) else None
    return Scope(principal.has_any("admin"), principal.jurisdiction or None, member_id)


def covers(scope: Scope, community_code: str) -> bool:
    """Whether the caller's jurisdiction (not team membership) covers a community: the right to set things up."""
    if scope.everything:
        return True
    return bool(scope.jurisdiction) and community_code.startswith(scope.jurisdiction or "")


def grid_code(community_code: str, sequence: int) -> str:
    """The grid's code: its community's 12-digit code and a two-digit sequence (``32059900100101``)."""
    return f"{community_code}{sequence:02d}"


def next_sequence(existing_codes: list[str]) -> int:
    """The sequence after the highest one in use in a community (1 for the first grid)."""
    return max((int(code[12:]) for code in existing_codes if code[12:].isdigit()), default=0) + 1
