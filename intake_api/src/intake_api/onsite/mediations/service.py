"""Mediate at once (四个当场 ③): the record is kept with the parties' names encrypted; a successful mediation ends
the petition as resolved on the spot (``xinfang.petition.resolved_on_spot.v1``), a failed one leaves it
registered, to be routed as usual."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.onsite import rules as onsite_rules
from intake_api.onsite.mediations import repository, rules
from intake_api.onsite.mediations.exceptions import MediationNotFound
from intake_api.onsite.mediations.models import Mediation
from intake_api.onsite.mediations.schemas import MediationCreate
from intake_api.petitions import service as petitions
from intake_api.petitions.exceptions import NotOpenForResolution
from intake_api.petitions.models import Petition
from services import pii
from services.http.auth import Principal
from services.ids import uuid7

MEDIATED = "调解成功，双方已当场达成调解协议；协议文本由接待单位留存，当事人持有签字文本。"


async def record_mediation(
    *,
    session: AsyncSession,
    petition_id: UUID,
    request: MediationCreate,
    principal: Principal,
    settings: IntakeSettings,
) -> tuple[Mediation, Petition]:
    """404 outside the caller's view; 409 when the petition is no longer just registered."""
    petition = await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    if not onsite_rules.open_on_spot(petition.status, petition.case_status):
        raise NotOpenForResolution()
    mediation = _mediation(petition_id, request, principal=principal, cipher=pii.Cipher(settings.pii_key))
    if rules.resolves_petition(request.result):
        outcome = MEDIATED  # never the agreement: it is encrypted here and goes to nobody else (ADR 0028)
        petition = await petitions.resolve_on_spot(
            session=session, petition_id=petition_id, how="mediation", outcome=outcome, principal=principal,
            settings=settings,
        )  # fmt: skip
    repository.add(session, mediation)
    await session.flush()
    return mediation, petition


async def list_mediations(
    *, session: AsyncSession, petition_id: UUID, principal: Principal
) -> tuple[Petition, list[Mediation]]:
    petition = await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    return petition, await repository.for_petition(session, petition_id)


async def reveal_mediation(
    *,
    session: AsyncSession,
    petition_id: UUID,
    mediation_id: UUID,
    fields: list[str],
    principal: Principal,
    settings: IntakeSettings,
) -> dict:
    """The plain agreement and/or party names of one mediation; 404 outside the caller's view."""
    await petitions.get_petition(session=session, petition_id=petition_id, principal=principal)
    mediation = await repository.get(session, mediation_id)
    if mediation is None or mediation.petition_id != petition_id:
        raise MediationNotFound()
    cipher = pii.Cipher(settings.pii_key)
    revealed: dict = {"id": mediation.id}
    if "agreement" in fields:
        revealed["agreement"] = rules.open_agreement(
            mediation.agreement_cipher, cipher=cipher, mediation_id=mediation.id
        )
    if "parties" in fields:
        revealed["parties"] = rules.open_parties(mediation.parties_cipher, cipher=cipher, mediation_id=mediation.id)
    return revealed


def _mediation(petition_id: UUID, request: MediationCreate, *, principal: Principal, cipher: pii.Cipher) -> Mediation:
    mediation_id = uuid7()
    parties = [party.model_dump() for party in request.parties]
    return Mediation(
        id=mediation_id, petition_id=petition_id, mediator=request.mediator, result=request.result,
        agreement_cipher=rules.seal_agreement(request.agreement, cipher=cipher, mediation_id=mediation_id),
        notes=request.notes,
        parties_cipher=rules.seal_parties(parties, cipher=cipher, mediation_id=mediation_id),
        parties_masked=rules.masked_parties(parties), recorded_by=principal.sub, created_at=datetime.now(UTC),
    )  # fmt: skip
