from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from notify_svc.contacts import service
from notify_svc.contacts.schemas import StaffCreate, StaffRead, StaffUpdate
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create
from services.http.pagination import Cursor, Limit, Page, cursor_uuid, page_of

router = APIRouter(prefix="/staff", tags=["工作人员通讯录"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]
Reader = Annotated[Principal, require_roles("admin", "supervisor")]


@router.get("", response_model=Page[StaffRead], operation_id="list_staff", summary="工作人员通讯录")
async def list_staff(
    session: SessionDep,
    _: Reader,
    unit_code: Annotated[str | None, Query(max_length=32, description="单位代码")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[StaffRead]:
    """各单位的承办人、督办人员与网格团队及其接收通知的方式（站内信、手机、邮箱），可按单位筛选。"""
    rows = await service.list_staff(session=session, unit_code=unit_code, after=cursor_uuid(cursor), limit=limit + 1)
    return page_of([StaffRead.model_validate(row) for row in rows], limit=limit)


@router.post(
    "",
    response_model=StaffRead,
    status_code=201,
    operation_id="add_staff_member",
    summary="添加工作人员",
    responses=problem_responses(415),
)
async def add_staff_member(
    request: Request, session: SessionDep, principal: Admin, body: StaffCreate, idempotency_key: IdempotencyKey = None
):
    """在通讯录中登记一名工作人员：其所在单位的交办、提醒、超期和督办通知将发给他（仅管理员）。"""

    async def create() -> StaffRead:
        return StaffRead.model_validate(await service.add_staff_member(session=session, values=body.model_dump()))

    return await idempotent_create(
        session,
        key=idempotency_key,
        principal=principal.sub,
        request=request,
        body=body,
        create=create,
    )


@router.patch(
    "/{staff_id}",
    response_model=StaffRead,
    operation_id="update_staff_member",
    summary="修改工作人员",
    responses=problem_responses(404, 415),
)
async def update_staff_member(staff_id: UUID, session: SessionDep, _: Admin, body: StaffUpdate) -> StaffRead:
    """修改姓名、站内信收件人、手机、邮箱或停用（仅管理员）。未知 ID 返回 404。"""
    changes = body.model_dump(exclude_unset=True)
    return StaffRead.model_validate(
        await service.update_staff_member(session=session, staff_id=staff_id, changes=changes)
    )
