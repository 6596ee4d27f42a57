from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from intake_api.audit.dependencies import Audit
from intake_api.dependencies import Settings
from intake_api.petitioners import service as petitioners
from intake_api.petitions import rules, service, timeline
from intake_api.petitions.exceptions import TooManyQueries
from intake_api.petitions.models import Petition
from intake_api.petitions.ratelimit import TokenBuckets
from intake_api.petitions.schemas import (
    PetitionCreate,
    PetitionCreated,
    PetitionRead,
    PetitionStatus,
    PetitionStatusRead,
    PetitionSummary,
    StatusQuery,
    StatusStep,
    TimelineEntryRead,
    WithdrawalRequest,
)
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_JSON, PROBLEM_RESPONSES, Problem, problem_response, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/petitions", tags=["信访件"], responses=PROBLEM_RESPONSES)

Registrar = Annotated[Principal, require_roles("reception", "petitioner", "admin")]
Reader = Annotated[Principal, require_roles(*rules.STAFF_ROLES, "petitioner")]
Withdrawer = Annotated[Principal, require_roles("reception", "supervisor", "admin", "petitioner")]
PETITIONER_FIELDS = ("name", "id_number:masked", "phone:masked", "address", "special_needs")
RATE_LIMITED = {429: {"model": Problem, "description": "查询过于频繁（见 Retry-After）", "content": {PROBLEM_JSON: {}}}}


@router.post(
    "",
    status_code=201,
    response_model=PetitionCreated,
    operation_id="register_petition",
    responses=problem_responses(409, 415),
    summary="登记信访事项",
    description="接访人员代信访人登记（来访、来信、来电、传真、预约、上门），或信访人本人网上提交（online）。"
    "登记时核查：应走诉讼、仲裁、行政复议等法定途径的（第22、31条）、复核终结后同一事实理由再次提出的（第36条第3款）、"
    "下级已受理或正在办理的（第19条第3款）不予受理；同一信访人内容相似的在办事项并入原件（repeat）；越级走访予以标记。"
    "返回信访件编号、查询码（只返回这一次）与告知信访人的文书。支持 Idempotency-Key。",
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
        return await service.register_petition(session=session, request=body, principal=principal, settings=settings)

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[PetitionSummary],
    operation_id="list_petitions",
    summary="信访件列表",
    description="工作人员看到本辖区的信访件（管理员看到全部），信访人看到本人的信访件；按登记先后倒序，游标分页。"
    "每次查询写入个人信息访问审计。",
)
async def list_petitions(
    session: SessionDep,
    principal: Reader,
    audit: Audit,
    limit: Limit = 20,
    cursor: Cursor = None,
    status: Annotated[PetitionStatus | None, Query(description="按状态筛选")] = None,
) -> Page[PetitionSummary]:
    rows = await service.list_petitions(
        session=session, principal=principal, after=cursor_uuid(cursor), limit=limit, status=status
    )
    await audit.record(
        principal=principal, action="list", record_type="petition", record_id=None, fields=("summary",),
        outcome="granted",
    )  # fmt: skip
    return page_of([PetitionSummary.model_validate(row) for row in rows], limit=limit)


@router.get(
    "/{petition_id}",
    response_model=PetitionRead,
    operation_id="get_petition",
    responses=problem_responses(404),
    summary="查看信访件",
    description="返回信访件、信访人（身份证号与手机号脱敏）及办理时间线（来自案件事件）。无权查看或不存在时均返回 404。"
    "每次查看写入个人信息访问审计。",
)
async def get_petition(petition_id: UUID, session: SessionDep, principal: Reader, audit: Audit) -> PetitionRead:
    async with audit.reading(
        principal=principal, action="read", record_type="petition", record_id=petition_id, fields=PETITIONER_FIELDS
    ):
        petition = await service.get_petition(session=session, petition_id=petition_id, principal=principal)
    return read_model(petition)


@router.post(
    "/{petition_id}/withdrawal",
    response_model=PetitionSummary,
    operation_id="withdraw_petition",
    responses=problem_responses(404, 409, 415),
    summary="撤回信访事项",
    description="信访人撤回本人的信访事项，或接访人员、督查人员按信访人意愿撤回；已办结、已撤回或不予受理的返回 409。"
    "发布 xinfang.petition.withdrawn.v1。",
)
async def withdraw_petition(
    petition_id: UUID, body: WithdrawalRequest, session: SessionDep, principal: Withdrawer, settings: Settings
) -> PetitionSummary:
    petition = await service.withdraw_petition(
        session=session, petition_id=petition_id, reason=body.reason, principal=principal, settings=settings
    )
    return PetitionSummary.model_validate(petition)


@router.post(
    "/status-query",
    response_model=PetitionStatusRead,
    operation_id="query_petition_status",
    responses=problem_responses(404, 415) | RATE_LIMITED,
    summary="凭编号与查询码查询办理进展",
    description="无需登录。返回当前状态与每一步办理情况及日期。编号不存在与查询码错误的回答完全相同（404）。"
    "按客户端 IP 与信访件编号限流，超限返回 429 并带 Retry-After。",
)
async def query_status(body: StatusQuery, session: SessionDep, settings: Settings, request: Request):
    wait = _limits(request, settings).check(client=_client(request), tracking_no=body.tracking_no)
    if wait:
        error = TooManyQueries(wait)
        problem = Problem(
            title=error.title, status=429, code=error.code, detail=error.detail, instance=request.url.path
        )
        return problem_response(problem, headers={"Retry-After": str(wait)})
    petition = await service.query_status(
        session=session, tracking_no=body.tracking_no, query_code=body.query_code, pepper=settings.query_code_pepper
    )
    return status_model(petition)


def read_model(petition: Petition) -> PetitionRead:
    skipped = {"petitioner", "timeline"}
    values = {name: getattr(petition, name) for name in PetitionRead.model_fields if name not in skipped}
    return PetitionRead(
        **values,
        petitioner=petitioners.masked(petition.petitioner),
        timeline=[TimelineEntryRead.model_validate(entry) for entry in petition.timeline],
    )


def status_model(petition: Petition) -> PetitionStatusRead:
    steps = sorted(petition.timeline, key=lambda entry: entry.at)
    return PetitionStatusRead(
        tracking_no=petition.tracking_no,
        status=petition.status,
        status_title=timeline.STATUS_TITLES[petition.status],
        received_at=petition.received_at,
        steps=[StatusStep(at=entry.at, title=entry.title) for entry in steps],
    )


class _StatusLimits:
    def __init__(self, settings: Settings) -> None:
        self.clients = TokenBuckets(per_minute=settings.status_query_per_minute)
        self.numbers = TokenBuckets(per_minute=settings.status_query_per_tracking_no)

    def check(self, *, client: str, tracking_no: str) -> int:
        return self.clients.take(client) or self.numbers.take(tracking_no)


def _limits(request: Request, settings: Settings) -> _StatusLimits:
    """One set of buckets per app (several apps share a process in tests and embedded mode)."""
    state = request.app.state
    if not hasattr(state, "status_query_limits"):
        state.status_query_limits = _StatusLimits(settings)
    return state.status_query_limits


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
