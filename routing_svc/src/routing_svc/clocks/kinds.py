"""The statutory clocks of the 信访工作条例 (2022) and their configurable limits (DESIGN.md §3)."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum


class ClockKind(StrEnum):
    REGISTER_AND_ROUTE = "register_and_route"
    OBJECT = "object"
    HANDLE = "handle"
    EXTENSION = "extension"
    REVIEW_REQUEST = "review_request"
    REVIEW_ANSWER = "review_answer"
    RE_REVIEW_REQUEST = "re_review_request"
    RE_REVIEW_ANSWER = "re_review_answer"


class DayCount(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


_MAY_BE_ZERO = frozenset({"due_soon_days", "extension_max_count"})


def _default_due_soon_days() -> dict[ClockKind, int]:
    return {ClockKind.OBJECT: 1, ClockKind.HANDLE: 7}


@dataclass(frozen=True, slots=True)
class ClockLimits:
    """The limits in days (defaults from the regulation) and the lead times for the due_soon state."""

    register_and_route_days: int = 15
    object_working_days: int = 5
    handle_days: int = 60
    extension_max_days: int = 30
    extension_max_count: int = 1
    review_request_days: int = 30
    review_answer_days: int = 30
    re_review_request_days: int = 30
    re_review_answer_days: int = 30
    due_soon_days: int = 3
    due_soon_days_by_kind: Mapping[ClockKind, int] = field(default_factory=_default_due_soon_days)

    def __post_init__(self) -> None:
        for limit in fields(self):
            value = getattr(self, limit.name)
            if isinstance(value, int) and value < (0 if limit.name in _MAY_BE_ZERO else 1):
                raise ValueError(f"{limit.name} out of range: {value}")
        if any(days < 0 for days in self.due_soon_days_by_kind.values()):
            raise ValueError("due_soon_days_by_kind must not be negative")

    def lead_days(self, kind: ClockKind) -> int:
        """How many days before the due day a clock counts as due_soon."""
        return self.due_soon_days_by_kind.get(kind, self.due_soon_days)


@dataclass(frozen=True, slots=True)
class ClockRule:
    """One clock: its limit, how days are counted, and the Chinese texts shown to staff and petitioners."""

    kind: ClockKind
    name: str
    starts_after: str
    legal_basis: str
    days: int
    count: DayCount
    pausable: bool = False
    pause_note: str = ""


_TEXTS: dict[ClockKind, tuple[str, str, str]] = {
    ClockKind.REGISTER_AND_ROUTE: (
        "登记、转送交办并告知信访人",
        "收到信访事项",
        "《信访工作条例》第二十二条、第二十三条：自收到信访事项之日起15日内按规定登记、转送或者交办，并告知信访人",
    ),
    ClockKind.OBJECT: (
        "对不属于本单位职责范围的转送交办提出异议",
        "收到转送交办的信访事项",
        "《信访工作条例》第二十三条第三款：认为不属于本单位职责范围的，应当自收到之日起5个工作日内提出异议并详细说明理由",
    ),
    ClockKind.HANDLE: (
        "办理信访事项",
        "受理信访事项",
        "《信访工作条例》第三十四条：信访事项应当自受理之日起60日内办结",
    ),
    ClockKind.EXTENSION: (
        "延长办理期限",
        "受理信访事项",
        "《信访工作条例》第三十四条：情况复杂的，经本机关、单位负责人批准，可以适当延长办理期限，"
        "但延长期限不得超过30日，并告知信访人延期理由",
    ),
    ClockKind.REVIEW_REQUEST: (
        "请求复查",
        "收到书面答复",
        "《信访工作条例》第三十五条：信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求复查",
    ),
    ClockKind.REVIEW_ANSWER: (
        "提出复查意见并书面答复",
        "收到复查请求",
        "《信访工作条例》第三十五条：收到复查请求的机关、单位应当自收到复查请求之日起30日内提出复查意见，并予以书面答复",
    ),
    ClockKind.RE_REVIEW_REQUEST: (
        "请求复核",
        "收到复查意见书面答复",
        "《信访工作条例》第三十六条：信访人对复查意见不服的，可以自收到书面答复之日起30日内请求复核",
    ),
    ClockKind.RE_REVIEW_ANSWER: (
        "提出复核意见",
        "收到复核请求",
        "《信访工作条例》第三十六条：收到复核请求的机关、单位应当自收到复核请求之日起30日内提出复核意见；"
        "举行听证的，听证所需时间不计算在规定的期限内",
    ),
}

_LIMIT_FIELDS: dict[ClockKind, str] = {
    ClockKind.REGISTER_AND_ROUTE: "register_and_route_days",
    ClockKind.OBJECT: "object_working_days",
    ClockKind.HANDLE: "handle_days",
    ClockKind.EXTENSION: "extension_max_days",
    ClockKind.REVIEW_REQUEST: "review_request_days",
    ClockKind.REVIEW_ANSWER: "review_answer_days",
    ClockKind.RE_REVIEW_REQUEST: "re_review_request_days",
    ClockKind.RE_REVIEW_ANSWER: "re_review_answer_days",
}

WORKING_DAY_CLOCKS = frozenset({ClockKind.OBJECT})
PAUSABLE_CLOCKS: dict[ClockKind, str] = {ClockKind.RE_REVIEW_ANSWER: "听证所需时间不计入期限"}
EXTENDABLE_CLOCKS = frozenset({ClockKind.HANDLE})


def clock_rule(kind: ClockKind, limits: ClockLimits | None = None) -> ClockRule:
    """The rule of one clock kind under the given limits (the regulation's defaults when None)."""
    limits = limits or ClockLimits()
    name, starts_after, legal_basis = _TEXTS[kind]
    return ClockRule(
        kind=kind,
        name=name,
        starts_after=starts_after,
        legal_basis=legal_basis,
        days=getattr(limits, _LIMIT_FIELDS[kind]),
        count=DayCount.WORKING if kind in WORKING_DAY_CLOCKS else DayCount.CALENDAR,
        pausable=kind in PAUSABLE_CLOCKS,
        pause_note=PAUSABLE_CLOCKS.get(kind, ""),
    )


def clock_table(limits: ClockLimits | None = None) -> dict[ClockKind, ClockRule]:
    """Every clock kind with its rule, in the order of the procedure."""
    return {kind: clock_rule(kind, limits) for kind in ClockKind}
