"""The rules every installation starts with: who hears about which event, by which channels, with which template."""

from typing import NamedTuple


class DefaultRule(NamedTuple):
    event_type: str
    recipient_kind: str
    channels: tuple[str, ...]
    template_key: str
    urgent: bool = False
    timing: str = "immediately"


_TO_PETITIONER = ("sms", "email")
_C = "xinfang.case."

DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule("xinfang.petition.registered.v1", "petitioner", _TO_PETITIONER, "petition.receipt"),
    DefaultRule("xinfang.petition.not_accepted.v1", "petitioner", _TO_PETITIONER, "petition.not_accepted"),
    DefaultRule("xinfang.petition.resolved_on_spot.v1", "petitioner", _TO_PETITIONER, "petition.resolved_on_spot"),
    DefaultRule("xinfang.petition.withdrawn.v1", "petitioner", ("sms",), "petition.withdrawn"),
    DefaultRule(
        "xinfang.appointment.booked.v1", "appointment_holder", ("sms",), "appointment.reminder", False, "day_before"
    ),
    DefaultRule("xinfang.appointment.cancelled.v1", "appointment_holder", _TO_PETITIONER, "appointment.cancelled"),
    DefaultRule(_C + "assigned.v1", "petitioner", _TO_PETITIONER, "case.forwarded"),
    DefaultRule(_C + "accepted.v1", "petitioner", _TO_PETITIONER, "case.accepted"),
    DefaultRule(_C + "not_accepted.v1", "petitioner", _TO_PETITIONER, "case.not_accepted"),
    DefaultRule(_C + "steered.v1", "petitioner", _TO_PETITIONER, "case.steered"),
    DefaultRule(_C + "extended.v1", "petitioner", _TO_PETITIONER, "case.extended"),
    DefaultRule(_C + "replied.v1", "petitioner", _TO_PETITIONER, "case.replied"),
    DefaultRule(_C + "reviewed.v1", "petitioner", _TO_PETITIONER, "case.reviewed"),
    DefaultRule(_C + "assigned.v1", "handler", ("inbox", "email"), "staff.case_assigned"),
    DefaultRule(_C + "escalated.v1", "handler", ("inbox", "email"), "staff.case_escalated"),
    DefaultRule(_C + "deadline_approaching.v1", "handler", ("inbox",), "staff.deadline_reminder"),
    DefaultRule(_C + "overdue.v1", "handler", ("inbox",), "staff.overdue_alert"),
    DefaultRule(_C + "overdue.v1", "supervisor", ("inbox", "sms"), "staff.overdue_alert", True),
    DefaultRule(_C + "supervised.v1", "handler", ("inbox", "sms"), "staff.supervision_order", True),
    DefaultRule(_C + "supervised.v1", "supervisor", ("inbox",), "staff.supervision_order"),
    DefaultRule(_C + "objected.v1", "supervisor", ("inbox",), "staff.case_objected"),
    DefaultRule("xinfang.sweep.missed.v1", "grid_team", ("inbox", "sms"), "staff.sweep_missed"),
    DefaultRule("xinfang.sweep.missed.v1", "supervisor", ("inbox",), "staff.sweep_missed"),
    DefaultRule("xinfang.risk.alert.v1", "supervisor", ("inbox", "email"), "staff.risk_alert", True),
)
