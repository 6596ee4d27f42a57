"""Pure decisions shared by the on-the-spot actions."""

from intake_api.petitions.rules import CLOSED_CASE_STATES

OUTCOME_LIMIT = 200
ACTORS = ("reception", "supervisor", "admin")  # who performs an on-the-spot action at the reception desk


def outcome_summary(prefix: str, text: str, *, limit: int = OUTCOME_LIMIT) -> str:
    """``prefix`` + the text on one line, cut to ``limit`` characters with an ellipsis (the event's ``outcome``)."""
    line = " ".join(text.split())
    summary = f"{prefix}{line}"
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def open_on_spot(status: str, case_status: str | None) -> bool:
    """The same test as ``petitions.service.resolve_on_spot``: registered, or routed while the case routing opened
    moments after registration is not closed (the petitioner is usually still at the desk)."""
    return status in ("registered", "routed") and case_status not in CLOSED_CASE_STATES
