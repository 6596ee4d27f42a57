"""What the petitioner reads for each case event (Chinese step titles) and how the petition's own state follows
the case. Pure: the consumers call these with routing_svc's events."""

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

CHINA = timezone(timedelta(hours=8))

STATUS_TITLES = {
    "registered": "已登记，待转送办理",
    "repeat": "重复信访，已并入原信访件",
    "not_accepted": "不予受理",
    "routed": "办理中",
    "resolved_on_spot": "已当场化解",
    "withdrawn": "已撤回",
    "closed": "已办结",
}
_MODES = {"transfer": "转送", "assign": "交办"}
_OUTCOMES = {"support": "支持", "explain": "解释说明", "not_support": "不予支持"}
_RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
_LEVELS = {"review": "复查", "re_review": "复核"}
_REVIEW_OUTCOMES = {"upheld": "维持原处理意见", "changed": "变更原处理意见", "revoked": "撤销原处理意见"}
_CLOSED = {
    "resolved": "信访事项已办结",
    "finalized": "信访事项已终结",
    "withdrawn": "信访事项已撤回",
    "not_accepted": "信访事项不予受理，已归档",
    "steered": "已导入法定途径，信访程序结束",
    "merged": "已并入同一事项一并办理",
}


def _date(value: Any) -> str:
    """Dates as the petitioner reads them: in China time (UTC+8)."""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA)
    return f"{value:%Y年%m月%d日}" if value is not None else ""


_TITLES: dict[str, Callable[[Any], str]] = {
    "opened": lambda d: f"已立案，由{d.unit_name}办理",
    "assigned": lambda d: f"已{_MODES[d.mode]}{d.unit_name}" + (f"，限{_date(d.due_at)}前办结" if d.due_at else ""),
    "signed": lambda d: f"{d.unit_name}已签收",
    "objected": lambda d: f"{d.unit_name}认为不属其职责，正在重新确定承办单位",
    "accepted": lambda d: f"{d.unit_name}已受理，办理期限至{_date(d.due_at)}",
    "not_accepted": lambda d: f"不予受理：{d.reason}",
    "steered": lambda d: f"已导入法定途径：{d.route_name}",
    "extended": lambda d: f"办理期限延长 {d.days} 日至{_date(d.due_at)}，理由：{d.reason}",
    "escalated": lambda d: f"已提级由{d.unit_name}办理",
    "supervised": lambda d: f"上级已对{d.unit_name}督办",
    "deadline_approaching": lambda d: f"{d.clock_name}将于{_date(d.due_at)}届满，正在督促办理",
    "overdue": lambda d: f"{d.clock_name}已届满，已督促{d.unit_name}尽快办理",
    "replied": lambda d: (
        f"{d.unit_name}已出具处理意见（{_OUTCOMES[d.outcome]}），如不服可于{_date(d.review_deadline)}前申请复查"
    ),
    "evaluated": lambda d: f"您已评价处理结果：{_RATINGS[d.rating]}",
    "review_requested": lambda d: f"已收到您的{_LEVELS[d.level]}申请，将于{_date(d.due_at)}前作出意见",
    "reviewed": lambda d: f"已作出{_LEVELS[d.level]}意见：{_REVIEW_OUTCOMES[d.outcome]}",
    "finalized": lambda d: "信访事项已终结",
    "closed": lambda d: _CLOSED[d.how],
}


def step_name(event_type: str) -> str:
    """``xinfang.case.replied.v1`` → ``replied``."""
    return event_type.split(".")[2]


def step_title(event_type: str, data: Any) -> str:
    return _TITLES[step_name(event_type)](data)[:200]


def petition_status_after(current: str, step: str) -> str:
    """A case step moves a registered (or repeat) petition to ``routed``; a closed case closes it. Statuses intake
    decided itself (withdrawn, not accepted, resolved on the spot) stay."""
    if current in ("withdrawn", "not_accepted", "resolved_on_spot"):
        return current
    if step in ("closed", "finalized"):
        return "closed"
    return "routed" if current in ("registered", "routed") else current
