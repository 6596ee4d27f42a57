"""One use case per lifecycle action (the endpoints `POST /cases/{id}/<action>` and department callbacks call these).

Each takes the `Change` of one case (already loaded, visible, role- and version-checked) and the request body,
guards the transition, keeps the clocks and stages the matching `xinfang.case.*.v1` event.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import deadlines, directory, events, lifecycle, repository, rules, schemas, service, workflow
from routing_svc.cases.exceptions import ApproverIsHandler, ExtensionRefused, UnitNotInTree, WindowClosed
from routing_svc.cases.lifecycle import Action, State
from routing_svc.cases.workflow import Change
from routing_svc.clocks import EXTENSION_ERROR_TITLES, ClockKind, check_extension, local_date
from services.contracts import routing as c
from services.http.errors import FieldError


async def _window_open(ch: Change, kind: ClockKind, *, what: str) -> None:
    """A request inside a window (object, request a review or re-review) is refused after it closed: 422."""
    clock = await repository.latest_clock(ch.session, ch.case.id, kind.value)
    if clock is not None and ch.at > clock.due_at:
        raise WindowClosed.of(what=what, deadline=clock.due_at)


async def sign(ch: Change, body: schemas.NoteBody) -> None:
    workflow.apply(ch, Action.SIGN, note=body.note)
    await workflow.stop(ch, ClockKind.OBJECT)
    await events.plain(ch.session, c.CaseSigned, ch.case, at=ch.at)


async def object_(ch: Change, body: schemas.ReasonBody) -> None:
    await _window_open(ch, ClockKind.OBJECT, what="对转送交办提出异议")
    workflow.apply(ch, Action.OBJECT, reason=body.reason)
    await workflow.stop(ch, ClockKind.OBJECT)
    await events.stage(ch.session, c.CaseObjected, c.CaseObjectedData, ch.case, at=ch.at, reason=body.reason)


async def accept(ch: Change, body: schemas.NoteBody) -> None:
    workflow.apply(ch, Action.ACCEPT, note=body.note)
    ch.case.handler_sub = ch.actor
    await workflow.stop(ch, ClockKind.REGISTER_AND_ROUTE, ClockKind.OBJECT)
    handle = await workflow.start(ch, ClockKind.HANDLE)
    await events.stage(ch.session, c.CaseAccepted, c.CaseAcceptedData, ch.case, at=ch.at, due_at=handle.due_at)


async def reject(ch: Change, body: schemas.RejectBody) -> None:
    workflow.apply(ch, Action.REJECT, reason=body.reason, legal_route=body.legal_route)
    ch.case.legal_route = body.legal_route
    await workflow.stop(ch)
    await events.stage(
        ch.session,
        c.CaseNotAccepted,
        c.CaseNotAcceptedData,
        ch.case,
        at=ch.at,
        reason=body.reason,
        legal_route=body.legal_route,
    )


async def steer(ch: Change, body: schemas.SteerBody) -> None:
    workflow.apply(ch, Action.STEER, legal_route=body.legal_route, route_name=body.route_name)
    ch.case.track, ch.case.legal_route = "legal_procedure", body.legal_route
    await workflow.stop(ch)
    await events.stage(
        ch.session,
        c.CaseSteered,
        c.CaseSteeredData,
        ch.case,
        at=ch.at,
        legal_route=body.legal_route,
        route_name=body.route_name,
    )


async def start(ch: Change, body: schemas.NoteBody) -> None:
    """No event: the petitioner was told of the acceptance; handling is internal to the unit."""
    workflow.apply(ch, Action.START, note=body.note)
    ch.case.handler_sub = ch.case.handler_sub or ch.actor


async def extend(ch: Change, body: schemas.ExtendBody) -> None:
    workflow.guard(ch.case, Action.EXTEND)
    if not lifecycle.extension_approver_ok(approver=ch.actor, handler=ch.case.handler_sub):
        raise ApproverIsHandler()
    handle = await workflow.running(ch, ClockKind.HANDLE)
    error = check_extension(
        kind=ClockKind.HANDLE,
        days=body.days,
        reason=body.reason,
        granted_days=[ch.case.extension_days] if ch.case.extension_days else [],
        limits=ch.policy.limits,
        requested_at=ch.at,
        current_due_at=handle.due_at if handle else None,
    )
    if error is not None:
        pointer = "/reason" if error.name == "REASON_MISSING" else "/days"
        title = EXTENSION_ERROR_TITLES[error]
        raise ExtensionRefused(title, errors=[FieldError(pointer=pointer, code=error.value, detail=title)])
    workflow.apply(ch, Action.EXTEND, days=body.days, reason=body.reason)
    ch.case.extension_days = body.days
    if handle is not None:
        deadlines.extend_clock(
            handle, days=body.days, calendar=ch.calendar, leads=ch.policy.reminder_leads, limits=ch.policy.limits
        )
        await workflow.refresh_due(ch)
    due = handle.due_at if handle is not None else ch.at
    await events.stage(
        ch.session,
        c.CaseExtended,
        c.CaseExtendedData,
        ch.case,
        at=ch.at,
        days=body.days,
        reason=body.reason,
        due_at=due,
    )


async def reply(ch: Change, body: schemas.ReplyBody) -> None:
    workflow.apply(ch, Action.REPLY, outcome=body.outcome, text=body.text, legal_basis=body.legal_basis)
    ch.case.reply_outcome, ch.case.replied_at = body.outcome, ch.at
    await workflow.stop(ch, ClockKind.HANDLE, ClockKind.REGISTER_AND_ROUTE)
    window = await workflow.start(ch, ClockKind.REVIEW_REQUEST)
    await events.stage(
        ch.session,
        c.CaseReplied,
        c.CaseRepliedData,
        ch.case,
        at=ch.at,
        outcome=body.outcome,
        legal_basis=body.legal_basis,
        review_deadline=local_date(window.due_at),
    )


async def evaluate(ch: Change, body: schemas.EvaluateBody) -> None:
    workflow.apply(ch, Action.EVALUATE, rating=body.rating, follow_up=body.follow_up.model_dump(mode="json"))
    ch.case.rating = body.rating
    await events.stage(ch.session, c.CaseEvaluated, c.CaseEvaluatedData, ch.case, at=ch.at, rating=body.rating)


async def request_review(ch: Change, body: schemas.ReasonBody) -> None:
    await _request(ch, body, Action.REQUEST_REVIEW, ClockKind.REVIEW_REQUEST, ClockKind.REVIEW_ANSWER, level="review")


async def _request(
    ch: Change, body: schemas.ReasonBody, action: Action, window: ClockKind, answer: ClockKind, *, level: str
) -> None:
    """The petitioner asks for a review or a re-review within its window; the answer's clock starts."""
    workflow.guard(ch.case, action)
    await _window_open(ch, window, what="请求复查" if level == "review" else "请求复核")
    workflow.apply(ch, action, reason=body.reason)
    await workflow.stop(ch, window)
    started = await workflow.start(ch, answer)
    await events.stage(
        ch.session,
        c.CaseReviewRequested,
        c.CaseReviewRequestedData,
        ch.case,
        at=ch.at,
        level=level,
        due_at=started.due_at,
    )


async def review(ch: Change, body: schemas.ReviewBody) -> None:
    workflow.apply(ch, Action.REVIEW, outcome=body.outcome, text=body.text, legal_basis=body.legal_basis)
    ch.case.reviewed_at = ch.at
    await workflow.stop(ch, ClockKind.REVIEW_ANSWER)
    window = await workflow.start(ch, ClockKind.RE_REVIEW_REQUEST)
    await events.stage(
        ch.session,
        c.CaseReviewed,
        c.CaseReviewedData,
        ch.case,
        at=ch.at,
        level="review",
        outcome=body.outcome,
        next_deadline=local_date(window.due_at),
    )


async def request_re_review(ch: Change, body: schemas.ReasonBody) -> None:
    await _request(
        ch, body, Action.REQUEST_RE_REVIEW, ClockKind.RE_REVIEW_REQUEST, ClockKind.RE_REVIEW_ANSWER, level="re_review"
    )


async def re_review(ch: Change, body: schemas.ReviewBody) -> None:
    """A re-review is final (Art. 36): the case becomes final in the same step."""
    workflow.apply(ch, Action.RE_REVIEW, outcome=body.outcome, text=body.text, legal_basis=body.legal_basis)
    ch.case.reviewed_at = ch.at
    await workflow.stop(ch, ClockKind.RE_REVIEW_ANSWER)
    await events.stage(
        ch.session,
        c.CaseReviewed,
        c.CaseReviewedData,
        ch.case,
        at=ch.at,
        level="re_review",
        outcome=body.outcome,
        next_deadline=None,
    )
    workflow.apply(ch, Action.FINALIZE)
    await events.plain(ch.session, c.CaseFinalized, ch.case, at=ch.at)


_CLOSED_HOW = {State.NOT_ACCEPTED: "not_accepted", State.STEERED: "steered", State.FINAL: "finalized"}


async def close(ch: Change, body: schemas.NoteBody) -> None:
    how = _CLOSED_HOW.get(State(ch.case.status), "resolved")
    workflow.apply(ch, Action.CLOSE, note=body.note, how=how)
    await service.close_now(ch, how=how)


async def assign(ch: Change, body: schemas.AssignBody) -> None:
    """The sender reassigns (after an objection, or a case still unassigned) to a unit of the tree."""
    workflow.guard(ch.case, Action.ASSIGN)
    unit = await _assignable(ch.session, body.unit_code, pointer="/unit_code")
    co_units = [
        await _assignable(ch.session, code, pointer=f"/co_unit_codes/{i}") for i, code in enumerate(body.co_unit_codes)
    ]
    workflow.apply(ch, Action.ASSIGN, unit_code=unit.code, mode=body.mode, reason=body.reason)
    move_to(ch, unit)
    ch.case.mode, ch.case.co_unit_codes = body.mode, [u.code for u in co_units]
    await service.dispatch(ch)


async def insist(ch: Change, body: schemas.ReasonBody) -> None:
    """The sender keeps its decision: the case goes back to the same unit, which must now sign for it."""
    workflow.apply(ch, Action.INSIST, reason=body.reason)
    await service.dispatch(ch)


async def _assignable(session: AsyncSession, code: str, *, pointer: str) -> rules.Unit:
    unit = await directory.unit_for_assignment(session, code=code)
    if unit is None:
        detail = f"单位 {code} 不在辖区树或部门名录中（或已停用）"
        raise UnitNotInTree(detail, errors=[FieldError(pointer=pointer, code="unit_not_in_tree", detail=detail)])
    return unit


def move_to(ch: Change, unit: rules.Unit) -> None:
    """The case now lies with `unit`: its scope columns follow, so the right queues see it."""
    case = ch.case
    case.unit_code, case.unit_name, case.tier = unit.code, unit.name, unit.tier
    case.district_code, case.street_code = rules.place_codes(unit.code, ch.policy.district.code)
