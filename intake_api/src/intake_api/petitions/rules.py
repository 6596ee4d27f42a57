"""Pure decisions of registration: numbers, codes, who may see a petition, and the checks at registration
(Art. 19 ¶3, Art. 36 ¶3, legal procedures, repeats, skip-level), each ending in an outcome and a notice."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from services.http.auth import Principal

STAFF_ROLES = ("reception", "handler", "supervisor", "leader", "admin")
LEVELS = ("community", "street", "district", "city")
PROPER_LEVEL = {"minor": "community", "general": "community", "complex": "street", "difficult": "district"}
IN_PERSON_CHANNELS = frozenset({"visit", "appointment"})
ID_REQUIRED_CHANNELS = frozenset({"visit", "appointment", "home_visit", "online"})
CLOSED_STATUSES = frozenset({"withdrawn", "not_accepted", "resolved_on_spot", "closed"})
CLOSED_CASE_STATES = frozenset({"closed", "final", "not_accepted", "steered"})
WITHDRAWABLE_STATUSES = frozenset({"registered", "repeat", "routed"})
MAX_REPRESENTATIVES = 5
LEGAL_ROUTES = {
    "litigation": ("诉讼", "向人民法院提起诉讼"),
    "arbitration": ("仲裁", "向仲裁机构申请仲裁"),
    "administrative_reconsideration": ("行政复议", "向行政复议机关申请行政复议"),
    "party_appeal": ("党员申诉", "向有关党组织提出申诉"),
    "other_procedure": ("其他法定途径", "通过相应的法定途径提出"),
}
_QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

Outcome = Literal["accepted", "repeat", "not_accepted"]
Reason = Literal["in_process_below", "concluded_by_re_review", "legal_procedure"]


def tracking_number(*, year: int, district_code: str, sequence: int) -> str:
    return f"{year}-{district_code}-{sequence:06d}"


def new_query_code() -> str:
    """8 characters from 31 (about 40 bits); one random draw instead of one per character."""
    value = secrets.randbits(64)
    code = []
    for _ in range(8):
        value, index = divmod(value, len(_QUERY_ALPHABET))
        code.append(_QUERY_ALPHABET[index])
    return "".join(code)


def hash_query_code(code: str, *, pepper: str) -> str:
    return hmac.new(pepper.encode(), code.encode(), hashlib.sha256).hexdigest()


def query_code_matches(code: str, expected_hash: str, *, pepper: str) -> bool:
    return hmac.compare_digest(hash_query_code(code.strip().upper(), pepper=pepper), expected_hash)


def received_in_future(received_at: datetime, now: datetime) -> bool:
    return received_at > now


def can_see(principal: Principal, *, registered_by: str, jurisdiction_code: str, account_sub: str | None) -> bool:
    """Petitioners see their own petitions; staff see their jurisdiction (a prefix of the code); admin all."""
    if principal.has_any("admin"):
        return True
    if principal.has_any(*STAFF_ROLES) and principal.jurisdiction:
        return jurisdiction_code.startswith(principal.jurisdiction)
    return principal.has_any("petitioner") and principal.sub in (registered_by, account_sub)


# -- levels ------------------------------------------------------------------------------------------------------


def proper_level(severity: str) -> str:
    """Where the matter belongs by severity: minor and general → community, complex → street, difficult → district."""
    return PROPER_LEVEL[severity]


def visited_level(channel: str, bureau_level: str) -> str | None:
    """The level a petitioner came to in person; letters, calls and the portal visit no level."""
    return bureau_level if channel in IN_PERSON_CHANNELS else None


def is_skip_level(visited: str | None, proper: str) -> bool:
    """Art. 20: a visit more than one level above the matter's own level."""
    return visited is not None and LEVELS.index(visited) - LEVELS.index(proper) > 1


def is_below(tier: str | None, level: str) -> bool:
    return tier is not None and tier in LEVELS and LEVELS.index(tier) < LEVELS.index(level)


# -- checks ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlierPetition:
    """An earlier petition of the same petitioner, as the checks see it."""

    id: UUID
    tracking_no: str
    status: str
    case_status: str | None
    case_tier: str | None
    re_reviewed: bool
    repeat_of: UUID | None = None

    @property
    def open(self) -> bool:
        return self.status not in CLOSED_STATUSES and self.case_status not in CLOSED_CASE_STATES

    @property
    def concluded_by_re_review(self) -> bool:
        return self.re_reviewed and self.case_status in ("final", "closed")


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    notice: str
    reason: Reason | None = None
    legal_route: str | None = None
    repeat_of: UUID | None = None
    related_tracking_no: str | None = None


def decide(*, tracking_no: str, similar: list[EarlierPetition], legal_route: str | None, bureau_level: str) -> Decision:
    """The outcome of registration. ``similar`` holds the same petitioner's earlier petitions whose content reached
    the repeat threshold, most similar first. Order: legal procedure, Art. 36 ¶3, Art. 19 ¶3, repeat, accepted."""
    if legal_route is not None:
        return legal_procedure(legal_route)
    for earlier in similar:
        if earlier.concluded_by_re_review:
            return concluded_by_re_review(earlier)
    open_ones = [earlier for earlier in similar if earlier.open]
    for earlier in open_ones:
        if is_below(earlier.case_tier, bureau_level):
            return in_process_below(earlier)
    if open_ones:
        return repeat(open_ones[0])
    return accepted(tracking_no)


def legal_procedure(route: str) -> Decision:
    name, how = LEGAL_ROUTES[route]
    notice = (
        f"您反映的事项属于通过{name}途径解决的范围。依照《信访工作条例》第二十二条、第三十一条，"
        f"本机关不作为信访事项受理，请依法{how}。"
    )
    return Decision("not_accepted", notice, reason="legal_procedure", legal_route=route)


def concluded_by_re_review(earlier: EarlierPetition) -> Decision:
    notice = (
        f"您反映的事项已经复核终结（信访件编号 {earlier.tracking_no}）。依照《信访工作条例》第三十六条第三款，"
        "以同一事实和理由再次提出的，不再受理。"
    )
    return Decision("not_accepted", notice, reason="concluded_by_re_review", related_tracking_no=earlier.tracking_no)


def in_process_below(earlier: EarlierPetition) -> Decision:
    notice = (
        f"您反映的事项已由下级机关受理或正在办理（信访件编号 {earlier.tracking_no}）。依照《信访工作条例》"
        "第十九条第三款，本机关不再重复受理，请等待办理结果，可凭编号与查询码查询进展。"
    )
    return Decision("not_accepted", notice, reason="in_process_below", related_tracking_no=earlier.tracking_no)


def repeat(earlier: EarlierPetition) -> Decision:
    notice = f"您反映的事项与信访件 {earlier.tracking_no} 属同一事项，已并入该件一并办理，不另行立案。"
    return Decision(
        "repeat", notice, repeat_of=earlier.repeat_of or earlier.id, related_tracking_no=earlier.tracking_no
    )


def accepted(tracking_no: str) -> Decision:
    notice = (
        f"您的信访事项已登记，信访件编号 {tracking_no}。我们将在 15 日内告知是否受理，请凭编号与查询码查询办理进展。"
    )
    return Decision("accepted", notice)
