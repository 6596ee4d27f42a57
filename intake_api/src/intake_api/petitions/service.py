"""Use cases of the petitions domain: keyword-only, flush only, events into the outbox.

Other domains of intake (on-the-spot actions, appointments, home visits) call these: ``register_petition`` with
the channel they stand for, ``resolve_on_spot`` when a consultation or a mediation ended the matter at once.
"""

from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.petitioners import service as petitioners
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitions import checks, events, repository, rules, similarity, timeline
from intake_api.petitions.exceptions import NotOpenForResolution, NotWithdrawable, PetitionNotFound
from intake_api.petitions.models import Petition, TimelineEntry
from intake_api.petitions.schemas import PetitionCreate, PetitionCreated
from services.contracts import CloudEvent
from services.db import add_event
from services.http.auth import Principal
from services.ids import uuid7


async def register_petition(
    *,
    session: AsyncSession,
    request: PetitionCreate,
    principal: Principal,
    settings: IntakeSettings,
    petition_id: UUID | None = None,
) -> PetitionCreated:
    """Register from any channel. A ``petitioner`` token registers their own (online); staff register on behalf.
    Runs the registration checks; stages ``petition.registered`` (accepted or repeat) or ``petition.not_accepted``.
    ``petition_id``: a fixed id, for demo data that request examples name; a new UUIDv7 otherwise."""
    now = datetime.now(UTC)
    received_at = request.received_at or now
    candidate = similarity.signature(request.content)  # CPU before the first statement: no connection held for it
    copy = await checks.validate(
        session=session, request=request, principal=principal, now=now,
        recheck_seconds=settings.reference_recheck_seconds,
    )  # fmt: skip
    crypto = PetitionerCrypto.from_settings(settings)
    year, district, id_number = received_at.year, settings.district_code, request.petitioner.id_number
    if id_number is None:
        sequence, by_id = await repository.next_sequence(session, year=year, district_code=district), None
    else:
        sequence, by_id = await repository.next_sequence_and_petitioner(
            session, year=year, district_code=district, id_hash=crypto.id_hash(id_number)
        )
    tracking_no = rules.tracking_number(year=year, district_code=district, sequence=sequence)
    account = principal.sub if checks.registers_own(principal) else None
    petitioner, known = await petitioners.find_or_register(
        session=session, data=request.petitioner, crypto=crypto, account_sub=account, by_id_number=by_id
    )
    screened = await checks.screen(
        session=session, request=request, petitioner=petitioner, known=known, tracking_no=tracking_no,
        settings=settings, candidate=candidate,
    )  # fmt: skip
    query_code = rules.new_query_code()
    petition = events.new_petition(
        request, screened=screened, petitioner=petitioner, tracking_no=tracking_no, received_at=received_at, now=now,
        query_code_hash=rules.hash_query_code(query_code, pepper=settings.query_code_pepper),
        registered_by=principal.sub, district_code=settings.district_code,
        place_name=copy.place_name(request.community_code), petition_id=petition_id,
    )  # fmt: skip
    steps = [_step_values(petition["id"], at=now, step="registered", title="信访事项已登记")]
    if screened.decision.outcome in ("repeat", "not_accepted"):
        title = screened.decision.notice[:200]
        steps.append(_step_values(petition["id"], at=now, step=screened.decision.outcome, title=title))
    event = events.outcome_event(petition, petitioner, crypto=crypto, now=now)
    await repository.add_registered(session, petition, steps, event)
    return events.created(petition, query_code=query_code, decision=screened.decision)


async def resolve_on_spot(
    *,
    session: AsyncSession,
    petition_id: UUID,
    how: Literal["consultation", "mediation"],
    outcome: str,
    principal: Principal,
    settings: IntakeSettings,
) -> Petition:
    """The matter ended at once (answered consultation, successful mediation): state ``resolved_on_spot``, a
    timeline step, and ``xinfang.petition.resolved_on_spot.v1`` staged. 404 outside the caller's view; 409 for a
    repeat, withdrawn, not accepted or closed petition."""
    petition = await get_petition(session=session, petition_id=petition_id, principal=principal)
    if petition.status not in ("registered", "routed") or petition.case_status in rules.CLOSED_CASE_STATES:
        raise NotOpenForResolution()
    now = datetime.now(UTC)
    petition.status, petition.updated_at = "resolved_on_spot", now
    title = "已当场答复咨询，事项办结" if how == "consultation" else "已当场调解成功，事项办结"
    repository.add(session, _step(petition.id, at=now, step="resolved_on_spot", title=title))
    crypto = PetitionerCrypto.from_settings(settings)
    await add_event(session, events.resolved_on_spot(petition, how=how, outcome=outcome, crypto=crypto, now=now))
    return petition


async def withdraw_petition(
    *, session: AsyncSession, petition_id: UUID, reason: str, principal: Principal, settings: IntakeSettings
) -> Petition:
    petition = await get_petition(session=session, petition_id=petition_id, principal=principal)
    if petition.status not in rules.WITHDRAWABLE_STATUSES or petition.case_status in rules.CLOSED_CASE_STATES:
        raise NotWithdrawable()
    now = datetime.now(UTC)
    petition.status, petition.updated_at = "withdrawn", now
    repository.add(session, _step(petition.id, at=now, step="withdrawn", title=f"信访人已撤回：{reason}"[:200]))
    crypto = PetitionerCrypto.from_settings(settings)
    await add_event(session, events.withdrawn(petition, reason=reason, crypto=crypto, now=now))
    return petition


async def get_petition(*, session: AsyncSession, petition_id: UUID, principal: Principal) -> Petition:
    """With its timeline and petitioner loaded; 404 for an unknown one and for one the caller may not see."""
    petition = await repository.get_with_timeline(session, petition_id)
    if petition is None or not rules.can_see(
        principal,
        registered_by=petition.registered_by,
        jurisdiction_code=petition.jurisdiction_code,
        account_sub=petition.petitioner.account_sub,
    ):
        raise PetitionNotFound()
    return petition


async def list_petitions(
    *, session: AsyncSession, principal: Principal, after: UUID | None, limit: int, status: str | None
) -> list[Petition]:
    """Staff: their jurisdiction (admin: all); a petitioner: their own."""
    staff = principal.has_any(*rules.STAFF_ROLES)
    jurisdiction = None if principal.has_any("admin") or not staff else (principal.jurisdiction or "\x00")
    owner = None if staff else principal.sub
    return await repository.page(
        session, after=after, limit=limit, jurisdiction=jurisdiction, owner_sub=owner, status=status
    )


async def query_status(*, session: AsyncSession, tracking_no: str, query_code: str, pepper: str) -> Petition:
    """The public query: an unknown number and a wrong code answer alike (404)."""
    petition = await repository.by_tracking_no(session, tracking_no)
    if petition is None or not rules.query_code_matches(query_code, petition.query_code_hash, pepper=pepper):
        raise PetitionNotFound()
    return petition


async def record_case_event(*, session: AsyncSession, event: CloudEvent) -> None:
    """A case step of routing_svc shown to the petitioner. The petition follows the case's state and tier unless a
    later case step was recorded already (events of one case may be handled out of order)."""
    event_type, data = event.type, event.data
    if data.petition_id is None:
        return  # a case from grid screening: no petition here
    petition = await repository.get_for_update(session, data.petition_id)
    if petition is None:
        raise PetitionNotFound(f"{event_type} names unknown petition {data.petition_id}")
    step = timeline.step_name(event_type)
    if step == "reviewed" and data.level == "re_review":
        petition.re_reviewed = True
    latest = await repository.latest_case_step_at(session, petition.id)
    if latest is None or data.occurred_at >= latest:
        petition.case_status, petition.case_tier = data.status, data.tier
        petition.status = timeline.petition_status_after(petition.status, step)
    petition.updated_at = datetime.now(UTC)
    title = timeline.step_title(event_type, data)
    repository.add(session, _step(petition.id, at=data.occurred_at, step=step, title=title, source_event_id=event.id))


def _step(
    petition_id: UUID, *, at: datetime, step: str, title: str, source_event_id: str | None = None
) -> TimelineEntry:
    return TimelineEntry(**_step_values(petition_id, at=at, step=step, title=title, source_event_id=source_event_id))


def _step_values(
    petition_id: UUID, *, at: datetime, step: str, title: str, source_event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": uuid7(), "petition_id": petition_id, "at": at, "step": step, "title": title,
        "source_event_id": source_event_id,
    }  # fmt: skip
