from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from intake_api.dependencies import Settings
from intake_api.petitions import rules, service
from intake_api.petitions.schemas import PetitionCreate, PetitionCreated, PetitionRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, fingerprint, idempotent_create

router = APIRouter(prefix="/petitions", tags=["信访件"], responses=PROBLEM_RESPONSES)

Registrar = Annotated[Principal, require_roles("reception", "petitioner", "admin")]
Reader = Annotated[Principal, require_roles(*rules.STAFF_ROLES, "petitioner")]


@router.post(
    "",
    status_code=201,
    response_model=PetitionCreated,
    operation_id="register_petition",
    responses=problem_responses(409, 415),
    summary="登记信访事项",
    description="接访人员代信访人登记，或信访人本人网上提交。返回信访件编号与查询码（查询码只返回这一次）。"
    "支持 Idempotency-Key：同一键的重试返回首次响应。",
)
async def register_petition(
    body: PetitionCreate,
    session: SessionDep,
    principal: Registrar,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> PetitionCreated:
        return await service.register_petition(
            session=session,
            request=body,
            registered_by=principal.sub,
            district_code=settings.district_code,
            pepper=settings.query_code_pepper,
        )

    print_ = fingerprint(method="POST", path=request.url.path, body=body)
    return await idempotent_create(session, key=key, principal=principal.sub, request_fingerprint=print_, create=create)


@router.get(
    "/{petition_id}",
    response_model=PetitionRead,
    operation_id="get_petition",
    responses=problem_responses(404),
    summary="查看信访件",
    description="返回信访件及其办理时间线（来自案件事件）。无权查看或不存在时均返回 404。",
)
async def get_petition(petition_id: UUID, session: SessionDep, principal: Reader) -> PetitionRead:
    petition = await service.get_petition(session=session, petition_id=petition_id, principal=principal)
    return PetitionRead.model_validate(petition)
