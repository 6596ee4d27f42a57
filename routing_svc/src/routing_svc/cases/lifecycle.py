"""The guarded state machine of a case (pure): which action leads from which states to which, and who may take it.

opened → assigned → signed | objected (the sender reassigns or insists) → accepted | not_accepted | steered →
in_handling → extended → replied → evaluated → review_requested → reviewed → re_review_requested → re_reviewed →
final → closed. Escalation sends a case one tier up (back to assigned); a withdrawal, or a resolution on the spot at
reception (consultation answered, mediation agreed), closes it from any open state.
"""

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    OPENED = "opened"
    ASSIGNED = "assigned"
    SIGNED = "signed"
    OBJECTED = "objected"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    STEERED = "steered"
    IN_HANDLING = "in_handling"
    EXTENDED = "extended"
    REPLIED = "replied"
    EVALUATED = "evaluated"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"
    RE_REVIEW_REQUESTED = "re_review_requested"
    RE_REVIEWED = "re_reviewed"
    FINAL = "final"
    CLOSED = "closed"


class Action(StrEnum):
    ASSIGN = "assign"
    INSIST = "insist"
    SIGN = "sign"
    OBJECT = "object"
    ACCEPT = "accept"
    REJECT = "reject"
    STEER = "steer"
    START = "start"
    EXTEND = "extend"
    REPLY = "reply"
    EVALUATE = "evaluate"
    REQUEST_REVIEW = "request-review"
    REVIEW = "review"
    REQUEST_RE_REVIEW = "request-re-review"
    RE_REVIEW = "re-review"
    FINALIZE = "finalize"
    ESCALATE = "escalate"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    RESOLVE_ON_SPOT = "resolve-on-spot"


S = State
OPEN_STATES = frozenset(State) - {S.CLOSED}
HANDLING = frozenset({S.IN_HANDLING, S.EXTENDED})
ESCALATABLE = frozenset({S.ASSIGNED, S.SIGNED, S.OBJECTED, S.ACCEPTED, S.IN_HANDLING, S.EXTENDED})
CLOSABLE = frozenset({S.NOT_ACCEPTED, S.STEERED, S.REPLIED, S.EVALUATED, S.REVIEWED, S.FINAL})

# action -> (states it may start from, the state it leads to; None: stays in the same state)
TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.ASSIGN: (frozenset({S.OPENED, S.OBJECTED}), S.ASSIGNED),
    Action.INSIST: (frozenset({S.OBJECTED}), S.ASSIGNED),
    Action.SIGN: (frozenset({S.ASSIGNED}), S.SIGNED),
    Action.OBJECT: (frozenset({S.ASSIGNED}), S.OBJECTED),
    Action.ACCEPT: (frozenset({S.SIGNED}), S.ACCEPTED),
    Action.REJECT: (frozenset({S.SIGNED}), S.NOT_ACCEPTED),
    Action.STEER: (frozenset({S.SIGNED, S.ACCEPTED}), S.STEERED),
    Action.START: (frozenset({S.ACCEPTED}), S.IN_HANDLING),
    Action.EXTEND: (HANDLING, S.EXTENDED),  # a second extension is refused by the extension rule (422), not here
    Action.REPLY: (HANDLING, S.REPLIED),
    Action.EVALUATE: (frozenset({S.REPLIED}), S.EVALUATED),
    Action.REQUEST_REVIEW: (frozenset({S.REPLIED, S.EVALUATED}), S.REVIEW_REQUESTED),
    Action.REVIEW: (frozenset({S.REVIEW_REQUESTED}), S.REVIEWED),
    Action.REQUEST_RE_REVIEW: (frozenset({S.REVIEWED}), S.RE_REVIEW_REQUESTED),
    Action.RE_REVIEW: (frozenset({S.RE_REVIEW_REQUESTED}), S.RE_REVIEWED),
    Action.FINALIZE: (frozenset({S.RE_REVIEWED}), S.FINAL),
    Action.ESCALATE: (ESCALATABLE, S.ASSIGNED),
    Action.CLOSE: (CLOSABLE, S.CLOSED),
    Action.WITHDRAW: (OPEN_STATES, S.CLOSED),
    Action.RESOLVE_ON_SPOT: (OPEN_STATES, S.CLOSED),
}

UNIT_ROLES = frozenset({"handler", "department", "admin"})
DISPATCH_ROLES = frozenset({"supervisor", "reception", "admin"})
REVIEW_ROLES = frozenset({"supervisor", "leader", "admin"})
ROLES: dict[Action, frozenset[str]] = {
    Action.ASSIGN: DISPATCH_ROLES,
    Action.INSIST: DISPATCH_ROLES,
    Action.SIGN: UNIT_ROLES,
    Action.OBJECT: UNIT_ROLES,
    Action.ACCEPT: UNIT_ROLES,
    Action.REJECT: UNIT_ROLES,
    Action.STEER: UNIT_ROLES,
    Action.START: UNIT_ROLES,
    Action.EXTEND: frozenset({"supervisor", "leader", "admin"}),
    Action.REPLY: UNIT_ROLES,
    Action.EVALUATE: frozenset({"reception", "handler", "supervisor", "admin"}),
    Action.REQUEST_REVIEW: frozenset({"reception", "supervisor", "admin"}),
    Action.REVIEW: REVIEW_ROLES,
    Action.REQUEST_RE_REVIEW: frozenset({"reception", "supervisor", "admin"}),
    Action.RE_REVIEW: REVIEW_ROLES,
    Action.FINALIZE: frozenset(),  # follows a re-review in the same request, never asked for on its own
    Action.ESCALATE: frozenset({"handler", "department", "supervisor", "admin"}),
    Action.CLOSE: frozenset({"supervisor", "admin"}),
    Action.WITHDRAW: frozenset(),  # from intake's withdrawal event only
    Action.RESOLVE_ON_SPOT: frozenset(),  # from intake's resolved-on-the-spot event only
}
UNIT_ACTIONS = frozenset(
    {Action.SIGN, Action.OBJECT, Action.ACCEPT, Action.REJECT, Action.STEER, Action.START, Action.REPLY}
)
"""Taken only by the unit holding the case (lead or co-handler), not by anyone who merely sees it."""

OVERSEERS = frozenset({"supervisor", "admin"})


def must_hold(action: Action, roles: frozenset[str]) -> bool:
    """Whether the caller must be the holding unit: for unit actions always (admin aside); for an escalation unless
    a supervisor sends it up (a unit declares that it cannot resolve its own case, not someone else's)."""
    if "admin" in roles:
        return False
    return action in UNIT_ACTIONS or (action is Action.ESCALATE and not roles & OVERSEERS)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action is not allowed now: the state it is in and what is allowed from there."""

    state: State
    action: Action
    allowed: tuple[Action, ...]


def allowed_actions(state: State) -> tuple[Action, ...]:
    """Every action that may start from `state`, in the table's order."""
    return tuple(action for action, (sources, _) in TRANSITIONS.items() if state in sources)


def requestable_actions(state: State) -> tuple[Action, ...]:
    """The actions a client can ask for in `state` (those with an endpoint: some roles may take them)."""
    return tuple(action for action in allowed_actions(state) if ROLES[action])


def next_state(state: State, action: Action) -> State | Refusal:
    """The state `action` leads to from `state`, or a refusal naming what is allowed instead."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        return Refusal(state, action, requestable_actions(state))
    return target if target is not None else state


def may_take(action: Action, roles: frozenset[str]) -> bool:
    return bool(ROLES[action] & roles)


def extension_approver_ok(*, approver: str, handler: str | None) -> bool:
    """Art. 34: an extension is approved by a supervisor who is not the case's handler."""
    return handler is None or approver != handler
