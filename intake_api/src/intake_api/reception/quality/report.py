"""The per-staff quality report: ratings, spot checks, complaints, follow-up calls, waiting times and the share of
petitions resolved on the spot, each aggregated in SQL for the period and jurisdiction, then joined per staff."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reception import rules as shared
from intake_api.reception.quality import repository, rules
from intake_api.reception.quality.exceptions import InvalidPeriod
from intake_api.reception.quality.schemas import StaffQuality, StaffQualityReport
from services.http.auth import Principal


async def staff_report(*, session: AsyncSession, first: date, last: date, principal: Principal) -> StaffQualityReport:
    errors = rules.period_errors(first, last)
    if errors:
        raise InvalidPeriod(errors=errors)
    start, end = shared.day_bounds(first, last)
    jurisdiction = shared.jurisdiction_scope(principal)
    scope = {"start": start, "end": end, "jurisdiction": jurisdiction}
    sources = {
        "receptions": await repository.receptions_by_staff(session, **scope),
        "ratings": await repository.ratings_by_staff(session, **scope),
        "spot_checks": await repository.spot_checks_by_staff(session, **scope),
        "follow_ups": await repository.follow_ups_by_staff(session, **scope),
        "complaints": await repository.complaints_by_staff(session, **scope),
        "petitions": await repository.petitions_by_registrar(session, **scope),
    }
    staff_ids = sorted(set().union(*sources.values()))
    return StaffQualityReport(period_from=first, period_to=last, staff=[_row(s, sources) for s in staff_ids])


def _row(staff_id: str, sources: dict[str, dict]) -> StaffQuality:
    receptions, wait = sources["receptions"].get(staff_id, (0, None))
    ratings, attitude, efficiency = sources["ratings"].get(staff_id, (0, None, None))
    checks, score = sources["spot_checks"].get(staff_id, (0, None))
    calls, satisfied = sources["follow_ups"].get(staff_id, (0, 0))
    (complaints,) = sources["complaints"].get(staff_id, (0,))
    registered, on_spot = sources["petitions"].get(staff_id, (0, 0))
    return StaffQuality(
        staff_id=staff_id, receptions=receptions, average_wait_minutes=rules.minutes(wait),
        ratings=ratings, average_attitude=rules.rounded(attitude), average_efficiency=rules.rounded(efficiency),
        spot_checks=checks, average_spot_check_score=rules.rounded(score), complaints=complaints,
        follow_up_calls=calls, follow_up_satisfied=int(satisfied or 0), petitions_registered=registered,
        resolved_on_spot=int(on_spot or 0), on_spot_share=rules.share(int(on_spot or 0), registered),
    )  # fmt: skip
