from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from screening_svc.audit.dependencies import Audit
from screening_svc.dependencies import Settings
from screening_svc.grids.rules import MANAGER_ROLES, scope_of
from screening_svc.residents import service
from screening_svc.residents.schemas import PhoneRevealRequest, ResidentCreate, ResidentPhone, ResidentRead
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of
from services.pii import Cipher

router = APIRouter(prefix="/special-residents", tags=["重点人员"], responses=PROBLEM_RESPONSES)

Keeper = Annotated[Principal, require_roles("grid_worker", "informant", *MANAGER_ROLES)]
"""The grid's workers and informants, and the staff above; not volunteers (ADR 0016)."""
PhoneReader = Annotated[Principal, require_roles("grid_worker", *MANAGER_ROLES)]
"""Who may see a resident's full phone number, with a reason (ADR 0016): not informants, not volunteers."""
RECORD = "special_resident"
READ_FIELDS = ("name", "address", "phone_masked")


@router.post(
    "",
    status_code=201,
    response_model=ResidentRead,
    operation_id="register_special_resident",
    responses=problem_responses(415),
    summary="登记重点人员",
    description="网格员或辖区工作人员在其网格登记独居老人、困难家庭、信访老户、残疾人等重点人员。姓名、住址、电话"
    "加密保存；走访周期随类别确定。网格不在范围内或类别未配置时返回 422。支持 Idempotency-Key。",
)
async def register_special_resident(
    body: ResidentCreate,
    session: SessionDep,
    principal: Keeper,
    settings: Settings,
    request: Request,
    key: IdempotencyKey = None,
):
    async def create() -> ResidentRead:
        return await service.register_resident(
            session=session,
            request=body,
            scope=scope_of(principal),
            cipher=Cipher(settings.pii_key),
            categories=settings.resident_categories,
            registered_by=principal.sub,
            now=datetime.now(UTC),
        )

    return await idempotent_create(session, key=key, principal=principal.sub, request=request, body=body, create=create)


@router.get(
    "",
    response_model=Page[ResidentRead],
    operation_id="list_special_residents",
    summary="重点人员名册",
    description="调用者范围内网格的重点人员（姓名脱敏），含最近走访日期；可按网格筛选，游标分页。"
    "每次查看写入个人信息访问审计。",
)
async def list_special_residents(
    session: SessionDep,
    principal: Keeper,
    settings: Settings,
    audit: Audit,
    grid_code: Annotated[str | None, Query(pattern=r"^\d{14}$", description="只看该网格")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ResidentRead]:
    residents = await service.list_residents(
        session=session,
        scope=scope_of(principal),
        grid_code=grid_code,
        after=cursor_uuid(cursor),
        limit=limit + 1,
        cipher=Cipher(settings.pii_key),
        categories=settings.resident_categories,
    )
    await audit.record(
        principal=principal, action="list", record_type=RECORD, record_id=None, fields=("name_masked", "address"),
        outcome="granted",
    )  # fmt: skip
    return page_of(residents, limit=limit)


@router.get(
    "/{resident_id}",
    response_model=ResidentRead,
    operation_id="get_special_resident",
    responses=problem_responses(404),
    summary="查看重点人员",
    description="重点人员详情（全名、住址，电话脱敏）。仅网格的网格员、信息员及上级可见；范围外返回 404。"
    "每次查看（含被拒绝的）写入个人信息访问审计。",
)
async def get_special_resident(
    resident_id: UUID, session: SessionDep, principal: Keeper, settings: Settings, audit: Audit
) -> ResidentRead:
    async with audit.reading(
        principal=principal, action="read", record_type=RECORD, record_id=resident_id, fields=READ_FIELDS
    ):
        resident = await service.get_resident(
            session=session,
            resident_id=resident_id,
            scope=scope_of(principal),
            cipher=Cipher(settings.pii_key),
            categories=settings.resident_categories,
        )
    return resident


@router.post(
    "/{resident_id}/phone-reveal",
    response_model=ResidentPhone,
    operation_id="reveal_special_resident_phone",
    responses=problem_responses(404, 415),
    summary="查看重点人员完整电话（审计）",
    description="网格员及社区、街道、区级工作人员须说明理由；记录谁、何时、看了哪条记录及理由（不记录电话本身）。"
    "信息员与志愿者不可用；范围外返回 404（同样记录）。",
)
async def reveal_special_resident_phone(
    resident_id: UUID,
    body: PhoneRevealRequest,
    session: SessionDep,
    principal: PhoneReader,
    settings: Settings,
    audit: Audit,
) -> ResidentPhone:
    async with audit.reading(
        principal=principal, action="reveal", record_type=RECORD, record_id=resident_id, fields=("phone",),
        reason=body.reason,
    ):  # fmt: skip
        revealed = await service.reveal_phone(
            session=session, resident_id=resident_id, scope=scope_of(principal), cipher=Cipher(settings.pii_key)
        )
    return revealed
