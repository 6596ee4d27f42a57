"""Supervision orders (督办, Art. 40): issued by a supervisor or by the scheduler on a lapse, answered in writing."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import escalation, rules, service, workflow
from routing_svc.cases.models import SupervisionOrder
from routing_svc.supervision import repository
from routing_svc.supervision.exceptions import (
    CaseClosedForSupervision,
    SupervisionAlreadyAnswered,
    SupervisionDueInPast,
    SupervisionOrderNotFound,
)
from routing_svc.supervision.schemas import SupervisionAnswer, SupervisionCreate
from services.http.auth import Principal
from services.http.errors import FieldError


async def issue(
    *, session: AsyncSession, case_id: UUID, principal: Principal, request: SupervisionCreate, policy: workflow.Policy
) -> SupervisionOrder:
    case = await service.get_case(session=session, case_id=case_id, principal=principal)
    if case.status == "closed":
        raise CaseClosedForSupervision()
    now = datetime.now(UTC)
    if request.due_at is not None and request.due_at <= now:
        error = FieldError(pointer="/due_at", code="supervision_due_in_past", detail="答复期限须晚于当前时间")
        raise SupervisionDueInPast(errors=[error])
    ch = await workflow.change(session, case, actor=principal.sub, at=now, policy=policy)
    return await escalation.supervise(ch, reason=request.reason, due_at=request.due_at, listed=request.listed)


async def answer(
    *, session: AsyncSession, order_id: UUID, principal: Principal, request: SupervisionAnswer
) -> SupervisionOrder:
    order = await repository.get(session, order_id)
    if order is None or not (
        principal.has_any("admin") or rules.acts_for(principal.jurisdiction, unit_code=order.unit_code)
    ):
        raise SupervisionOrderNotFound()
    if order.answered_at is not None:
        raise SupervisionAlreadyAnswered()
    order.answer, order.answered_by, order.answered_at = request.answer, principal.sub, datetime.now(UTC)
    return order


async def list_orders(
    *,
    session: AsyncSession,
    principal: Principal,
    policy: workflow.Policy,
    listed: bool | None,
    open_only: bool,
    case_id: UUID | None,
    after: UUID | None,
    limit: int,
):
    """A district sees every order, a street those of its units, a community or department its own."""
    scope = rules.scope_of(principal.jurisdiction)
    if not principal.has_any("admin") and scope is None:
        return []
    codes, prefix = None, None
    if not principal.has_any("admin") and principal.jurisdiction != policy.district.code:
        column, code = scope  # type: ignore[misc]
        codes, prefix = (None, code) if column == "street_code" else ([code], None)
    return await repository.list_orders(
        session,
        unit_codes=codes,
        unit_prefix=prefix,
        listed=listed,
        open_only=open_only,
        case_id=case_id,
        after=after,
        limit=limit,
    )
