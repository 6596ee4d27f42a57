"""Answer a consultation at once (四个当场 ②): the answer is recorded and the petition ends as resolved on the spot
through the petitions domain, which stages ``xinfang.petition.resolved_on_spot.v1``."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.onsite import rules
from intake_api.onsite.consultations import repository
from intake_api.onsite.consultations.exceptions import ConsultationNotFound
from intake_api.onsite.consultations.models import Consultation
from intake_api.onsite.consultations.schemas import ConsultationCreate
from intake_api.onsite.knowledge import service as knowledge
from intake_api.petitions import service as petitions
from intake_api.petitions.exceptions import NotOpenForResolution
from services.http.auth import Principal
from services.ids import uuid7


async def answer_consultation(
    *,
    session: AsyncSession,
    petition_id: UUID,
    request: ConsultationCreate,
    principal: Principal,
    settings: IntakeSettings,
) -> Consultation:
    """404 outside the caller's view, 422 for an unknown or retired knowledge answer, 409 when the petition is no
    longer just registered (already answered, mediated, routed, withdrawn)."""
    await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    entry_id, version, text = await _answer(session, request)
    consultation = Consultation(
        id=uuid7(), petition_id=petition_id, entry_id=entry_id, entry_version=version, answer=text,
        answered_by=principal.sub, created_at=datetime.now(UTC),
    )  # fmt: skip
    outcome = rules.outcome_summary("已当场答复咨询：", text)
    await petitions.resolve_on_spot(
        session=session, petition_id=petition_id, how="consultation", outcome=outcome, principal=principal,
        settings=settings,
    )  # fmt: skip
    repository.add(session, consultation)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent answer to the same petition committed first
        raise NotOpenForResolution() from exc
    return consultation


async def get_consultation(*, session: AsyncSession, petition_id: UUID, principal: Principal) -> Consultation:
    await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    found = await repository.for_petition(session, petition_id)
    if found is None:
        raise ConsultationNotFound()
    return found


async def _answer(session: AsyncSession, request: ConsultationCreate) -> tuple[UUID | None, int | None, str]:
    if request.knowledge is None:
        return None, None, request.answer or ""
    ref = request.knowledge
    found = await knowledge.answer_for_consultation(session=session, entry_id=ref.entry_id, version=ref.version)
    return ref.entry_id, ref.version, found.answer
