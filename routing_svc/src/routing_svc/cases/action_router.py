"""`POST /cases/{id}/<action>`: one endpoint per lifecycle action, each with If-Match (ETag) and role checks.

The endpoints are made from one table so that every action is checked the same way; each keeps its own Chinese
summary, description, request body (with an example) and operation id.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, Response
from sqlalchemy.orm.exc import StaleDataError

from routing_svc.cases import actions, escalation, schemas, views, workflow
from routing_svc.cases.exceptions import PreconditionFailed
from routing_svc.cases.lifecycle import ROLES, Action
from routing_svc.cases.router import UPDATE_RESPONSES, IfMatch, PolicyDep
from routing_svc.cases.schemas import CaseRead
from services.http.auth import CurrentPrincipal
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/cases", tags=["案件"], responses=PROBLEM_RESPONSES)


async def _escalate(ch: workflow.Change, body: schemas.ReasonBody) -> None:
    await escalation.escalate(ch, reason_code="cannot_resolve", reason=body.reason)


@dataclass(frozen=True, slots=True)
class Endpoint:
    action: Action
    body: type
    use_case: Callable[[workflow.Change, object], Awaitable[None]]
    summary: str
    description: str


ENDPOINTS = (
    Endpoint(
        Action.ASSIGN,
        schemas.AssignBody,
        actions.assign,
        "转送或交办（改派）",
        "发件方将案件转送或交办给辖区树中的单位（含对异议成立后的改派）；单位不在辖区树或部门名录中返回 422。",
    ),
    Endpoint(
        Action.INSIST,
        schemas.ReasonBody,
        actions.insist,
        "维持交办",
        "承办单位提出异议后，发件方认为异议不成立，维持原交办并说明理由。",
    ),
    Endpoint(Action.SIGN, schemas.NoteBody, actions.sign, "签收", "承办单位签收转送交办的案件。"),
    Endpoint(
        Action.OBJECT,
        schemas.ReasonBody,
        actions.object_,
        "提出异议",
        "承办单位认为不属于本单位职责范围的，自收到之日起 5 个工作日内说明理由提出异议（第23条）；逾期返回 422。",
    ),
    Endpoint(
        Action.ACCEPT, schemas.NoteBody, actions.accept, "受理", "受理信访事项，办理期限（60 日，第34条）自此起算。"
    ),
    Endpoint(
        Action.REJECT, schemas.RejectBody, actions.reject, "不予受理", "不予受理并说明理由，可注明应循的法定途径。"
    ),
    Endpoint(
        Action.STEER,
        schemas.SteerBody,
        actions.steer,
        "导入法定途径",
        "应通过诉讼、仲裁、行政复议等法定途径解决的，导入相应途径并告知受理机关（第31条）。",
    ),
    Endpoint(Action.START, schemas.NoteBody, actions.start, "开始办理", "承办人开始办理已受理的案件。"),
    Endpoint(
        Action.EXTEND,
        schemas.ExtendBody,
        actions.extend,
        "延长办理期限",
        "经承办人以外的负责人批准，延长办理期限不超过 30 日、仅一次，理由告知信访人（第34条）；"
        "超过 30 日或再次延期返回 422。",
    ),
    Endpoint(
        Action.REPLY,
        schemas.ReplyBody,
        actions.reply,
        "出具处理意见",
        "书面答复信访人：支持、解释说明或不予支持，附法律依据；可申请复查的 30 日期间自此起算。",
    ),
    Endpoint(
        Action.EVALUATE,
        schemas.EvaluateBody,
        actions.evaluate,
        "评价与回访",
        "记录信访人对处理结果的评价（满意、基本满意、不满意）及回访记录；答复之前评价返回 409。",
    ),
    Endpoint(
        Action.REQUEST_REVIEW,
        schemas.ReasonBody,
        actions.request_review,
        "申请复查",
        "信访人自收到书面答复之日起 30 日内请求复查（第35条）；逾期返回 422 并写明届满时间。",
    ),
    Endpoint(Action.REVIEW, schemas.ReviewBody, actions.review, "复查意见", "收到复查请求 30 日内提出复查意见。"),
    Endpoint(
        Action.REQUEST_RE_REVIEW,
        schemas.ReasonBody,
        actions.request_re_review,
        "申请复核",
        "信访人自收到复查意见之日起 30 日内请求复核（第36条）；逾期返回 422。",
    ),
    Endpoint(
        Action.RE_REVIEW,
        schemas.ReviewBody,
        actions.re_review,
        "复核意见",
        "提出复核意见；复核意见为终结意见，案件随即终结（第36条）。",
    ),
    Endpoint(
        Action.ESCALATE,
        schemas.ReasonBody,
        _escalate,
        "提级办理",
        "承办单位无法化解的，申请提级到上一层级（社区 → 街道 → 区），记录理由；区级案件不能再提级（409）。",
    ),
    Endpoint(
        Action.CLOSE,
        schemas.NoteBody,
        actions.close,
        "办结归档",
        "处理完毕（答复、评价、复查后未再申请，或终结、不予受理、导入法定途径）的案件办结归档。",
    ),
)


def _register(endpoint: Endpoint) -> None:
    body_model = endpoint.body

    async def take_action(
        case_id: UUID,
        body: body_model,  # type: ignore[valid-type]
        session: SessionDep,
        principal: CurrentPrincipal,
        policy: PolicyDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> CaseRead:
        case = await workflow.load_for(
            session, case_id=case_id, principal=principal, action=endpoint.action, if_match=if_match
        )
        change = await workflow.change(session, case, actor=principal.sub, at=datetime.now(UTC), policy=policy)
        try:
            await endpoint.use_case(change, body)
            await session.flush()
        except StaleDataError as exc:  # another request changed the case since it was read here
            raise PreconditionFailed() from exc
        response.headers["ETag"] = workflow.etag(case)
        return (await views.case_views(session, [case], full=True))[0]

    roles = "、".join(sorted(ROLES[endpoint.action]))
    router.post(
        f"/{{case_id}}/{endpoint.action.value}",
        response_model=CaseRead,
        operation_id=f"case_{endpoint.action.value.replace('-', '_')}",
        responses=UPDATE_RESPONSES,
        summary=endpoint.summary,
        description=f"{endpoint.description}\n\n角色：{roles}。须携带 If-Match（案件的 ETag）；"
        "状态不允许时返回 409 并列出允许的操作。",
    )(take_action)


for _endpoint in ENDPOINTS:
    _register(_endpoint)
