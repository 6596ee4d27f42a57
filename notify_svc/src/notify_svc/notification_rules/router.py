from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from notify_svc.notification_rules import service
from notify_svc.notification_rules.schemas import RuleCreate, RuleRead, RuleUpdate
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(prefix="/rules", tags=["通知规则"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]
Reader = Annotated[Principal, require_roles("admin", "supervisor")]


@router.get("", response_model=list[RuleRead], operation_id="list_rules", summary="通知规则")
async def list_rules(
    session: SessionDep,
    _: Reader,
    event_type: Annotated[str | None, Query(max_length=80, description="事件类型")] = None,
) -> list[RuleRead]:
    """事件类型 → 接收人、通道、模板、是否紧急、发送时机。"""
    return [RuleRead.model_validate(rule) for rule in await service.list_rules(session=session, event_type=event_type)]


@router.post(
    "",
    response_model=RuleRead,
    status_code=201,
    operation_id="add_rule",
    summary="新增通知规则",
    responses=problem_responses(409, 415),
)
async def add_rule(
    request: Request, session: SessionDep, principal: Admin, body: RuleCreate, idempotency_key: IdempotencyKey = None
):
    """新增一条规则（仅管理员）。模板须存在且属于同一事件类型（否则 422）；
    同一事件类型、同一类接收人只有一条规则（409）。"""

    async def create() -> RuleRead:
        return RuleRead.model_validate(await service.add_rule(session=session, values=body.model_dump()))

    return await idempotent_create(
        session,
        key=idempotency_key,
        principal=principal.sub,
        request=request,
        body=body,
        create=create,
    )


@router.patch(
    "/{rule_id}",
    response_model=RuleRead,
    operation_id="update_rule",
    summary="修改通知规则",
    responses=problem_responses(404, 415),
)
async def update_rule(rule_id: UUID, session: SessionDep, _: Admin, body: RuleUpdate) -> RuleRead:
    """修改通道、模板、紧急、时机或停用（仅管理员）。未知规则返回 404。"""
    changes = body.model_dump(exclude_unset=True)
    return RuleRead.model_validate(await service.update_rule(session=session, rule_id=rule_id, changes=changes))
