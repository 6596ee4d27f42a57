"""routing_svc.cases.lifecycle: the transition table, checked for every state and every action."""

import itertools

import pytest

from routing_svc.cases.lifecycle import (
    ROLES,
    TRANSITIONS,
    Action,
    Refusal,
    State,
    allowed_actions,
    extension_approver_ok,
    may_take,
    must_hold,
    next_state,
    requestable_actions,
)

S, A = State, Action
# The expected table, written out independently of TRANSITIONS: (state, action) -> next state.
EXPECTED = {
    (S.OPENED, A.ASSIGN): S.ASSIGNED,
    (S.OBJECTED, A.ASSIGN): S.ASSIGNED,
    (S.OBJECTED, A.INSIST): S.ASSIGNED,
    (S.ASSIGNED, A.SIGN): S.SIGNED,
    (S.ASSIGNED, A.OBJECT): S.OBJECTED,
    (S.SIGNED, A.ACCEPT): S.ACCEPTED,
    (S.SIGNED, A.REJECT): S.NOT_ACCEPTED,
    (S.SIGNED, A.STEER): S.STEERED,
    (S.ACCEPTED, A.STEER): S.STEERED,
    (S.ACCEPTED, A.START): S.IN_HANDLING,
    (S.IN_HANDLING, A.EXTEND): S.EXTENDED,
    (S.EXTENDED, A.EXTEND): S.EXTENDED,
    (S.IN_HANDLING, A.REPLY): S.REPLIED,
    (S.EXTENDED, A.REPLY): S.REPLIED,
    (S.REPLIED, A.EVALUATE): S.EVALUATED,
    (S.REPLIED, A.REQUEST_REVIEW): S.REVIEW_REQUESTED,
    (S.EVALUATED, A.REQUEST_REVIEW): S.REVIEW_REQUESTED,
    (S.REVIEW_REQUESTED, A.REVIEW): S.REVIEWED,
    (S.REVIEWED, A.REQUEST_RE_REVIEW): S.RE_REVIEW_REQUESTED,
    (S.RE_REVIEW_REQUESTED, A.RE_REVIEW): S.RE_REVIEWED,
    (S.RE_REVIEWED, A.FINALIZE): S.FINAL,
    **{
        (state, A.ESCALATE): S.ASSIGNED
        for state in (S.ASSIGNED, S.SIGNED, S.OBJECTED, S.ACCEPTED, S.IN_HANDLING, S.EXTENDED)
    },
    **{
        (state, A.CLOSE): S.CLOSED for state in (S.NOT_ACCEPTED, S.STEERED, S.REPLIED, S.EVALUATED, S.REVIEWED, S.FINAL)
    },
    **{(state, A.WITHDRAW): S.CLOSED for state in State if state is not S.CLOSED},
    **{(state, A.RESOLVE_ON_SPOT): S.CLOSED for state in State if state is not S.CLOSED},
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State, Action)))
def test_every_state_and_action(state: State, action: Action) -> None:
    result = next_state(state, action)
    if (state, action) in EXPECTED:
        assert result == EXPECTED[(state, action)]
    else:
        assert result == Refusal(state, action, requestable_actions(state))


@pytest.mark.parametrize("state", list(State))
def test_a_refusal_lists_exactly_what_can_be_requested(state: State) -> None:
    expected = tuple(a for a in Action if (state, a) in EXPECTED and ROLES[a])
    assert requestable_actions(state) == expected
    assert set(allowed_actions(state)) == {a for a in Action if (state, a) in EXPECTED}


def test_closed_is_terminal() -> None:
    assert allowed_actions(S.CLOSED) == ()


def test_every_state_but_closed_can_reach_closed() -> None:
    reachable = {S.CLOSED}
    for _ in range(len(State)):
        reachable |= {state for (state, _), target in EXPECTED.items() if target in reachable}
    assert reachable == set(State)


def test_the_table_covers_every_action() -> None:
    assert set(TRANSITIONS) == set(Action) == set(ROLES)


@pytest.mark.parametrize(
    ("action", "roles", "allowed"),
    [
        (A.SIGN, {"handler"}, True),
        (A.SIGN, {"department"}, True),
        (A.SIGN, {"reception"}, False),
        (A.EXTEND, {"supervisor"}, True),
        (A.EXTEND, {"handler"}, False),
        (A.EXTEND, {"leader"}, True),
        (A.REVIEW, {"leader"}, True),
        (A.REVIEW, {"handler"}, False),
        (A.ASSIGN, {"reception"}, True),
        (A.ASSIGN, {"handler"}, False),
        (A.CLOSE, {"handler"}, False),
        (A.CLOSE, {"supervisor"}, True),
        (A.WITHDRAW, {"admin"}, False),
        (A.RESOLVE_ON_SPOT, {"admin"}, False),
        (A.FINALIZE, {"admin"}, False),
        (A.EVALUATE, {"petitioner"}, False),
        (A.ESCALATE, {"department"}, True),
        (A.ESCALATE, {"petitioner"}, False),
    ],
)
def test_roles(action: Action, roles: set[str], allowed: bool) -> None:
    assert may_take(action, frozenset(roles)) is allowed


@pytest.mark.parametrize("action", [a for a in Action if a not in (A.WITHDRAW, A.RESOLVE_ON_SPOT, A.FINALIZE)])
def test_admin_may_request_every_action(action: Action) -> None:
    assert may_take(action, frozenset({"admin"}))


@pytest.mark.parametrize(
    ("approver", "handler", "ok"), [("boss", "clerk", True), ("clerk", "clerk", False), ("boss", None, True)]
)
def test_an_extension_is_approved_by_someone_other_than_the_handler(
    approver: str, handler: str | None, ok: bool
) -> None:
    assert extension_approver_ok(approver=approver, handler=handler) is ok


@pytest.mark.parametrize(
    ("action", "roles", "expected"),
    [
        (A.SIGN, {"handler"}, True),
        (A.REPLY, {"department"}, True),
        (A.SIGN, {"admin"}, False),
        (A.ESCALATE, {"handler"}, True),
        (A.ESCALATE, {"department"}, True),
        (A.ESCALATE, {"supervisor"}, False),
        (A.ESCALATE, {"handler", "supervisor"}, False),
        (A.EXTEND, {"supervisor"}, False),
        (A.REVIEW, {"leader"}, False),
        (A.ASSIGN, {"reception"}, False),
    ],
)
def test_who_must_hold_the_case(action: Action, roles: set[str], expected: bool) -> None:
    assert must_hold(action, frozenset(roles)) is expected
