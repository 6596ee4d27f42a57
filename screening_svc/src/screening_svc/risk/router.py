from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from screening_svc.dependencies import Settings
from screening_svc.grids.rules import MANAGER_ROLES, scope_of
from screening_svc.risk import service
from screening_svc.risk.schemas import (
    AssessmentCreate,
    ClauseChangeCreate,
    ConsultationCreate,
    HouseholdCreate,
    HouseholdRead,
    HouseholdUpdate,
    MonitoringCreate,
    MonitoringRead,
    PolicyCreate,
    PolicyRead,
    ReviewCreate,
    RiskItemCreate,
)
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of
from services.pii import Cipher

router = APIRouter(prefix="/risk/policies", tags=["政策风险评估"], responses=PROBLEM_RESPONSES)

Assessor = Annotated[Principal, require_roles("department", *MANAGER_ROLES)]
_WRITE = problem_responses(404, 409, 415)


def _now() -> datetime:
    return datetime.now(UTC)


async def _idempotent(session, request: Request, principal: Principal, key, body, create):
    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.post(
    "",
    status_code=201,
    response_model=PolicyRead,
    operation_id="create_policy",
    responses=problem_responses(415),
    summary="登记重大政策或项目",
    description="登记需做社会稳定风险评估的政策或项目（牵头部门、配合部门、受影响社区），从起草阶段开始。"
    "受影响社区须在政策所属辖区内、所属辖区须在调用者辖区内，否则 422。支持 Idempotency-Key。",
)
async def create_policy(
    body: PolicyCreate, session: SessionDep, principal: Assessor, request: Request, key: IdempotencyKey = None
):
    async def create() -> PolicyRead:
        return await service.create_policy(
            session=session, request=body, scope=scope_of(principal), by=principal.sub, now=_now()
        )

    return await _idempotent(session, request, principal, key, body, create)


@router.get(
    "",
    response_model=Page[PolicyRead],
    operation_id="list_policies",
    summary="政策与项目列表",
    description="调用者辖区内的政策与项目，以及其牵头的政策；游标分页。",
)
async def list_policies(
    session: SessionDep, principal: Assessor, limit: Limit = 20, cursor: Cursor = None
) -> Page[PolicyRead]:
    policies = await service.list_policies(
        session=session, scope=scope_of(principal), after=cursor_uuid(cursor), limit=limit + 1
    )
    return page_of(policies, limit=limit)


@router.get(
    "/{policy_id}",
    response_model=PolicyRead,
    operation_id="get_policy",
    responses=problem_responses(404),
    summary="查看政策风险评估",
    description="政策及其风险点、评审、征求意见、条款修改、阶段结论，以及对照 95% 目标的知晓率、支持率。",
)
async def get_policy(policy_id: UUID, session: SessionDep, principal: Assessor) -> PolicyRead:
    return await service.read(session, await service.visible_policy(session, policy_id, scope_of(principal)))


def _recording(path: str, kind: str, schema, summary: str, description: str):
    @router.post(
        f"/{{policy_id}}/{path}",
        status_code=201,
        response_model=PolicyRead,
        operation_id=f"add_{kind}",
        responses=_WRITE,
        summary=summary,
        description=description + " 支持 Idempotency-Key。",
    )
    async def add(
        policy_id: UUID,
        body: schema,
        session: SessionDep,
        principal: Assessor,
        request: Request,
        key: IdempotencyKey = None,
    ):
        async def create() -> PolicyRead:
            return await service.record(
                session=session, policy_id=policy_id, kind=kind, request=body, scope=scope_of(principal), now=_now()
            )

        return await _idempotent(session, request, principal, key, body, create)

    add.__name__ = f"add_{kind}"


_recording("items", "items", RiskItemCreate, "登记风险点", "登记风险点（类型、等级、化解措施）。")
_recording(
    "reviews",
    "reviews",
    ReviewCreate,
    "登记评审意见",
    "起草阶段专家（信访、法律、社会学）与居民代表的评审意见；其他阶段 409。",
)
_recording(
    "consultations",
    "consultations",
    ConsultationCreate,
    "登记征求意见结果",
    "实施前阶段的社区公示、网上问卷、入户走访及知晓率、支持率（0–100%，超出范围 422；其他阶段 409）。"
    "按受访人数加权后的知晓率或支持率低于 95% 时发出 xinfang.risk.alert.v1。",
)
_recording(
    "clause-changes",
    "clause_changes",
    ClauseChangeCreate,
    "登记争议条款修改",
    "起草或实施前阶段对争议条款的修改（原文、修改后、理由）；实施后 409。",
)


@router.post(
    "/{policy_id}/assessments",
    status_code=201,
    response_model=PolicyRead,
    operation_id="conclude_stage",
    responses=_WRITE,
    summary="得出阶段评估结论",
    description="对当前阶段得出风险等级结论并发出 xinfang.risk.assessed.v1：起草阶段（须已有评审）→ 实施前；"
    "实施前（须已有征求意见；高风险不得实施，409）→ 实施后；实施后的结论为定期复评，阶段不变。支持 Idempotency-Key。",
)
async def conclude_stage(
    policy_id: UUID,
    body: AssessmentCreate,
    session: SessionDep,
    principal: Assessor,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> PolicyRead:
        return await service.conclude(
            session=session, policy_id=policy_id, request=body, scope=scope_of(principal), by=principal.sub, now=_now()
        )

    return await _idempotent(session, request, principal, key, body, create)


@router.post(
    "/{policy_id}/households",
    status_code=201,
    response_model=HouseholdRead,
    operation_id="add_household",
    responses=problem_responses(404, 415),
    summary="建立一户一档",
    description="受影响住户的档案（户主姓名、地址加密保存，返回时姓名脱敏）：诉求、政策解读员、状态。"
    "住户所在社区不在政策影响范围内返回 422。支持 Idempotency-Key。",
)
async def add_household(
    policy_id: UUID,
    body: HouseholdCreate,
    session: SessionDep,
    principal: Assessor,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> HouseholdRead:
        return await service.add_household(
            session=session,
            policy_id=policy_id,
            request=body,
            scope=scope_of(principal),
            cipher=Cipher(settings.pii_key),
            now=_now(),
        )

    return await _idempotent(session, request, principal, key, body, create)


@router.get(
    "/{policy_id}/households",
    response_model=Page[HouseholdRead],
    operation_id="list_households",
    responses=problem_responses(404),
    summary="一户一档列表",
    description="政策的户档案，游标分页。",
)
async def list_households(
    policy_id: UUID,
    session: SessionDep,
    principal: Assessor,
    settings: Settings,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[HouseholdRead]:
    rows = await service.list_households(
        session=session,
        policy_id=policy_id,
        scope=scope_of(principal),
        cipher=Cipher(settings.pii_key),
        after=cursor_uuid(cursor),
        limit=limit + 1,
    )
    return page_of(rows, limit=limit)


@router.patch(
    "/{policy_id}/households/{household_id}",
    response_model=HouseholdRead,
    operation_id="update_household",
    responses=problem_responses(404, 415),
    summary="更新户档案",
    description="更新诉求、政策解读员或状态。",
)
async def update_household(
    policy_id: UUID,
    household_id: UUID,
    body: HouseholdUpdate,
    session: SessionDep,
    principal: Assessor,
    settings: Settings,
) -> HouseholdRead:
    return await service.update_household(
        session=session,
        policy_id=policy_id,
        household_id=household_id,
        request=body,
        scope=scope_of(principal),
        cipher=Cipher(settings.pii_key),
        now=_now(),
    )


@router.post(
    "/{policy_id}/monitoring",
    status_code=201,
    response_model=MonitoringRead,
    operation_id="add_monitoring_entry",
    responses=_WRITE,
    summary="登记实施后监测问题",
    description="实施后监测台账的新问题（预警条目），发出 xinfang.risk.alert.v1（alert=monitoring）；"
    "实施前 409。支持 Idempotency-Key。",
)
async def add_monitoring_entry(
    policy_id: UUID,
    body: MonitoringCreate,
    session: SessionDep,
    principal: Assessor,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> MonitoringRead:
        return await service.add_monitoring(
            session=session, policy_id=policy_id, request=body, scope=scope_of(principal), by=principal.sub, now=_now()
        )

    return await _idempotent(session, request, principal, key, body, create)


@router.get(
    "/{policy_id}/monitoring",
    response_model=list[MonitoringRead],
    operation_id="list_monitoring_entries",
    responses=problem_responses(404),
    summary="实施后监测台账",
    description="政策实施后的监测台账。",
)
async def list_monitoring_entries(policy_id: UUID, session: SessionDep, principal: Assessor) -> list[MonitoringRead]:
    return await service.list_monitoring(session=session, policy_id=policy_id, scope=scope_of(principal))
