"""Pure decisions of the hall: which room a visitor goes to, whether they come first, queue numbers, transitions."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Room = Literal["general", "elderly", "accessible", "minor", "counselling"]
TicketStatus = Literal["waiting", "called", "completed", "no_show"]

ROOMS: dict[str, tuple[str, str]] = {
    "general": ("A", "综合接待区"),
    "elderly": ("B", "老年人专区"),
    "accessible": ("C", "无障碍接待室"),
    "minor": ("D", "未成年人接待室"),
    "counselling": ("E", "情绪疏导室"),
}
# Precedence when a visitor has several needs (ADR 0010): a minor is always received apart from adults, a person
# in distress is calmed before anything else, the accessible room serves the disabled and the seriously ill
# (step-free, seated, medical kit), and the elderly have their own area.
_ROOM_BY_NEED: tuple[tuple[str, Room], ...] = (
    ("minor", "minor"),
    ("emotional_distress", "counselling"),
    ("disabled", "accessible"),
    ("seriously_ill", "accessible"),
    ("elderly", "elderly"),
)
PRIORITY_NEEDS = frozenset(need for need, _ in _ROOM_BY_NEED)
TRANSITIONS: dict[str, frozenset[str]] = {
    "call": frozenset({"waiting"}),
    "complete": frozenset({"called"}),
    "no_show": frozenset({"waiting", "called"}),
}
AFTER: dict[str, TicketStatus] = {"call": "called", "complete": "completed", "no_show": "no_show"}


@dataclass(frozen=True)
class Placement:
    room: Room
    priority: bool
    priority_reason: str | None


def place(special_needs: list[str] | tuple[str, ...] | frozenset[str]) -> Placement:
    """The room and priority of a visitor from their special needs; without one of them: 综合接待区, no priority.
    A need for an interpreter alone gives neither a room nor priority (the interpreter comes to the visitor)."""
    for need, room in _ROOM_BY_NEED:
        if need in special_needs:
            return Placement(room=room, priority=True, priority_reason=need)
    return Placement(room="general", priority=False, priority_reason=None)


def room_name(room: str) -> str:
    return ROOMS[room][1]


def ticket_number(room: str, sequence: int) -> str:
    """``A012``: the room's letter and the day's sequence in that room (three digits, more after 999)."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{ROOMS[room][0]}{sequence:03d}"


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action]


def waiting_seconds(checked_in_at: datetime, called_at: datetime) -> int:
    """Seconds between check-in and the first call; never negative (clock skew between replicas)."""
    return max(0, int((called_at - checked_in_at).total_seconds()))


def board_order(priority: bool, checked_in_at: datetime) -> tuple[int, datetime]:
    """Priority visitors first, then first come first served."""
    return (0 if priority else 1, checked_in_at)
