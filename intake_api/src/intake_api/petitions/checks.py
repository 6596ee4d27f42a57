"""The checks at registration that need the database: field checks against the reference copies and the caller,
and the screening of the petitioner's earlier petitions (repeat, Art. 19 ¶3, Art. 36 ¶3) that ``rules`` decides."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.petitioners.models import Petitioner
from intake_api.petitions import repository, rules, similarity
from intake_api.petitions.exceptions import InvalidPetition, ReceivedInFuture
from intake_api.petitions.models import Petition
from intake_api.petitions.schemas import PetitionCreate
from intake_api.reference import service as reference
from services.http.auth import Principal
from services.http.errors import FieldError


def registers_own(principal: Principal) -> bool:
    """A petitioner's own token (not staff acting with a petitioner role as well)."""
    return principal.has_any("petitioner") and not principal.has_any("reception", "admin")


async def validate(
    *, session: AsyncSession, request: PetitionCreate, principal: Principal, now: datetime, recheck_seconds: float = 0.0
) -> reference.Snapshot:
    """Raises for an invalid petition; returns the reference copies it was checked against (checked against the
    database at most ``recheck_seconds`` ago)."""
    if rules.received_in_future(request.received_at or now, now):
        raise ReceivedInFuture()
    errors = _field_errors(request, principal=principal, now=now)
    copy = await reference.copies(session, recheck_seconds=recheck_seconds)
    if not copy.category_known(request.category_code):
        errors.append(_error("/category_code", "unknown_category", "分类代码不在信访事项分类目录中"))
    if request.community_code and not copy.community_known(request.community_code):
        errors.append(_error("/community_code", "unknown_community", "社区代码不在本辖区行政区划中"))
    if errors:
        raise InvalidPetition(errors=errors)
    return copy


def _field_errors(request: PetitionCreate, *, principal: Principal, now: datetime) -> list[FieldError]:
    errors = []
    if registers_own(principal) and request.channel != "online":
        errors.append(_error("/channel", "channel_not_allowed", "信访人本人只能通过网上渠道（online）提交"))
    if request.channel in rules.ID_REQUIRED_CHANNELS and request.petitioner.id_number is None:
        errors.append(_error("/petitioner/id_number", "id_number_required", "来访、预约、上门与网上信访须提供身份证号"))
    if request.address is None and request.community_code is None:
        errors.append(_error("/address", "place_required", "事发地址与社区代码至少填写一项"))
    if request.occurred_at is not None and request.occurred_at > now:
        errors.append(_error("/occurred_at", "occurred_in_future", "事发时间不能晚于当前时间"))
    if len(request.representatives) > request.group_size:
        errors.append(_error("/representatives", "representatives_exceed_group", "代表人数不能多于来访人数"))
    return errors


def _error(pointer: str, code: str, detail: str) -> FieldError:
    return FieldError(pointer=pointer, code=code, detail=detail)


@dataclass(frozen=True)
class Screened:
    decision: rules.Decision
    signature: bytes
    first_time: bool
    visited_level: str | None
    proper_level: str
    skip_level: bool


async def screen(
    *,
    session: AsyncSession,
    request: PetitionCreate,
    petitioner: Petitioner,
    known: bool,
    tracking_no: str,
    settings: IntakeSettings,
    candidate: similarity.Signature | None = None,
) -> Screened:
    """``candidate``: the content's signature when the caller computed it already (before taking a connection)."""
    candidate = candidate if candidate is not None else similarity.signature(request.content)
    earlier = await repository.earlier_of(session, petitioner.id) if known else []
    similar = similar_earlier(candidate, earlier, threshold=settings.repeat_threshold)
    decision = rules.decide(
        tracking_no=tracking_no, similar=similar, legal_route=request.legal_route, bureau_level=settings.bureau_level
    )
    visited = rules.visited_level(request.channel, settings.bureau_level)
    proper = rules.proper_level(request.severity)
    skip = rules.is_skip_level(visited, proper)
    return Screened(decision, candidate.to_bytes(), not earlier, visited, proper, skip)


def similar_earlier(
    candidate: similarity.Signature, earlier: Sequence[Petition | Row], *, threshold: float
) -> list[rules.EarlierPetition]:
    """The earlier petitions whose content reaches the threshold, most similar first."""
    scored = []
    candidate_set = frozenset(candidate.hashes.tolist())
    for petition in earlier:
        try:
            score = similarity.stored_score(candidate, petition.signature, candidate_set=candidate_set)
        except ValueError:
            continue  # a signature of another version: not comparable
        if score >= threshold:
            scored.append((score, _as_earlier(petition)))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return [earlier for _, earlier in scored]


def _as_earlier(petition: Petition | Row) -> rules.EarlierPetition:
    return rules.EarlierPetition(
        id=petition.id,
        tracking_no=petition.tracking_no,
        status=petition.status,
        case_status=petition.case_status,
        case_tier=petition.case_tier,
        re_reviewed=petition.re_reviewed,
        repeat_of=petition.repeat_of,
    )
