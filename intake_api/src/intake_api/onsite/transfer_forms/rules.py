"""Pure decisions of the transfer form (信访事项转送单): its date of issue, the deadline it prints and which
petitions may get one. Deadlines are calendar days counted from the day after issue (Civil Code rule, DESIGN §3);
intake keeps no holiday calendar, so a deadline on a holiday is not moved here (routing_svc's clock is the
authority once the case is dispatched, ADR 0009)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
ACCEPTANCE_DAYS = 15  # Art. 23: the receiving unit decides on acceptance within 15 days of receipt
MAX_DAYS = 90
STATUTORY_BASIS = "《信访工作条例》第二十三条：自收到之日起 15 日内决定是否受理并书面告知信访人"
GIVEN_BASIS = "接访人员指定的办理时限"
TRANSFERABLE_STATUSES = frozenset({"registered", "routed"})


def issue_date(now: datetime) -> date:
    """The date printed on the form: the bureau's local date (China Standard Time), not UTC's."""
    return now.astimezone(CHINA).date()


def statutory_deadline(issued_on: date) -> date:
    """Day 1 is the day after issue; the 15th day is the deadline."""
    return issued_on + timedelta(days=ACCEPTANCE_DAYS)


def deadline_problem(deadline: date, *, issued_on: date) -> str | None:
    """Why a deadline given by the staff cannot be printed; None when it is fine."""
    if deadline <= issued_on:
        return "deadline_not_after_issue"
    if deadline > issued_on + timedelta(days=MAX_DAYS):
        return "deadline_too_far"
    return None


def deadline_and_basis(given: date | None, *, issued_on: date) -> tuple[date, str]:
    if given is None:
        return statutory_deadline(issued_on), STATUTORY_BASIS
    return given, GIVEN_BASIS


def may_transfer(status: str) -> bool:
    """A petition still open: registered, or already routed (the form then documents the transfer)."""
    return status in TRANSFERABLE_STATUSES


def bureau_name(district_name: str | None) -> str:
    return f"{district_name}信访局" if district_name else "信访局"
