from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from intake_api.dependencies import Settings
from intake_api.onsite.consultations import service
from intake_api.onsite.consultations.schemas import ConsultationCreate, ConsultationRead
from intake_api.onsite.rules import ACTORS
from intake_api.petitions.rules import STAFF_ROLES
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/petitions", tags=["四个当场"], responses=PROBLEM_RESPONSES)

Actor = Annotated[Principal, require_roles(*ACTORS)]
Staff = Annotated[Principal, require_roles(*STAFF_ROLES)]


@router.post(
    "/{petition_id}/consultation",
    status_code=201,
    response_model=ConsultationRead,
    operation_id="answer_consultation",
    responses=problem_responses(404, 409, 415),
    summary="当场答复咨询",
    description="接访人员对咨询类事项当场答复：引用知识库条目的某一版本（knowledge），或填写自由答复（answer），二者选一。"
    "答复内容被记录，信访件以“当场化解”办结，发布 xinfang.petition.resolved_on_spot.v1（how=consultation）。"
    "知识库条目不存在、已停用或无该版本返回 422；信访件已不在登记状态返回 409。支持 Idempotency-Key。",
)
async def answer_consultation(
    petition_id: UUID,
    body: ConsultationCreate,
    session: SessionDep,
    principal: Actor,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> ConsultationRead:
        consultation = await service.answer_consultation(
            session=session, petition_id=petition_id, request=body, principal=principal, settings=settings
        )
        return ConsultationRead.model_validate(consultation)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "/{petition_id}/consultation",
    response_model=ConsultationRead,
    operation_id="get_consultation",
    responses=problem_responses(404),
    summary="查看咨询答复记录",
    description="返回该信访件当场答复的内容及所引用的知识库条目版本；没有答复记录或无权查看时返回 404。",
)
async def get_consultation(petition_id: UUID, session: SessionDep, principal: Staff) -> ConsultationRead:
    consultation = await service.get_consultation(session=session, petition_id=petition_id, principal=principal)
    return ConsultationRead.model_validate(consultation)
