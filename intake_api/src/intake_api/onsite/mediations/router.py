from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from intake_api.audit.dependencies import Audit
from intake_api.dependencies import Settings
from intake_api.onsite.mediations import service
from intake_api.onsite.mediations.models import Mediation
from intake_api.onsite.mediations.schemas import (
    MediationCreate,
    MediationRead,
    MediationRevealRequest,
    PartyRead,
    RevealedMediation,
)
from intake_api.onsite.rules import ACTORS
from intake_api.petitions.rules import STAFF_ROLES
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/petitions", tags=["四个当场"], responses=PROBLEM_RESPONSES)

Actor = Annotated[Principal, require_roles(*ACTORS)]
Staff = Annotated[Principal, require_roles(*STAFF_ROLES)]
Revealer = Annotated[Principal, require_roles("supervisor", "admin")]  # as for petitioners' plain data


@router.post(
    "/{petition_id}/mediations",
    status_code=201,
    response_model=MediationRead,
    operation_id="record_mediation",
    responses=problem_responses(404, 409, 415),
    summary="记录当场调解",
    description="对可现场协调的矛盾当场组织调解后记录：当事人（姓名加密存储、响应脱敏）、调解员、结果与协议内容。"
    "调解成功的，信访件以“当场化解”办结并发布 xinfang.petition.resolved_on_spot.v1（how=mediation）；"
    "调解不成的，信访件保持登记状态，按常规转送办理。信访件已不在登记状态返回 409。支持 Idempotency-Key。",
)
async def record_mediation(
    petition_id: UUID,
    body: MediationCreate,
    session: SessionDep,
    principal: Actor,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> MediationRead:
        mediation, petition = await service.record_mediation(
            session=session, petition_id=petition_id, request=body, principal=principal, settings=settings
        )
        return read_model(mediation, petition_status=petition.status)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/{petition_id}/mediations",
    response_model=list[MediationRead],
    operation_id="list_mediations",
    responses=problem_responses(404),
    summary="查看调解记录",
    description="按时间先后列出该信访件的当场调解记录，当事人姓名脱敏；无权查看或不存在时返回 404。",
)
async def list_mediations(petition_id: UUID, session: SessionDep, principal: Staff) -> list[MediationRead]:
    petition, rows = await service.list_mediations(session=session, petition_id=petition_id, principal=principal)
    return [read_model(row, petition_status=petition.status) for row in rows]


@router.post(
    "/{petition_id}/mediations/{mediation_id}/reveal",
    response_model=RevealedMediation,
    operation_id="reveal_mediation",
    responses=problem_responses(404, 415),
    summary="查看调解协议或当事人明文（审计）",
    description="调解协议与当事人姓名加密存储。仅督查人员与管理员可用，须说明理由；记录谁、何时、看了哪条调解记录的哪些内容"
    "及理由（不记录内容）。无权查看或不存在时返回 404（同样留痕）。",
)
async def reveal_mediation(
    petition_id: UUID,
    mediation_id: UUID,
    body: MediationRevealRequest,
    session: SessionDep,
    principal: Revealer,
    audit: Audit,
    settings: Settings,
) -> RevealedMediation:
    fields = sorted(set(body.fields))
    async with audit.reading(
        principal=principal, action="reveal", record_type="mediation", record_id=mediation_id, fields=fields,
        reason=body.reason,
    ):  # fmt: skip
        revealed = await service.reveal_mediation(
            session=session, petition_id=petition_id, mediation_id=mediation_id, fields=fields, principal=principal,
            settings=settings,
        )  # fmt: skip
    return RevealedMediation(**revealed)


def read_model(mediation: Mediation, *, petition_status: str) -> MediationRead:
    return MediationRead(
        id=mediation.id, petition_id=mediation.petition_id, mediator=mediation.mediator, result=mediation.result,
        parties=[PartyRead(**party) for party in mediation.parties_masked],
        has_agreement=mediation.agreement_cipher is not None,
        notes=mediation.notes, recorded_by=mediation.recorded_by, created_at=mediation.created_at,
        petition_status=petition_status,
    )  # fmt: skip
