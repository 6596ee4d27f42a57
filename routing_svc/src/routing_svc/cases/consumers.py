"""When a petition is registered or a grid finding escalated, open its case; when a petition is withdrawn or resolved
on the spot at reception, close it."""

from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.cases import rules, service, workflow
from routing_svc.clocks import ClockLimits
from routing_svc.config import RoutingSettings
from services.contracts.intake import PetitionRegistered, PetitionResolvedOnSpot, PetitionWithdrawn
from services.contracts.screening import ConflictEscalated


def policy_of(settings: RoutingSettings) -> workflow.Policy:
    district = rules.Unit(code=settings.district_code, name=settings.district_name, tier="district")
    return workflow.Policy(
        district=district,
        reminder_leads=tuple(sorted(set(settings.reminder_lead_days), reverse=True)),
        limits=ClockLimits(),
        supervision_days=settings.supervision_answer_days,
    )


def handlers(settings: RoutingSettings) -> dict:
    policy = policy_of(settings)

    async def when_petition_registered_open_case(session: AsyncSession, event: PetitionRegistered) -> None:
        await service.open_case_for_petition(session=session, event=event, policy=policy)

    async def when_conflict_escalated_open_case(session: AsyncSession, event: ConflictEscalated) -> None:
        await service.open_case_for_conflict(session=session, event=event, policy=policy)

    async def when_petition_withdrawn_close_case(session: AsyncSession, event: PetitionWithdrawn) -> None:
        await service.close_withdrawn(session=session, event=event, policy=policy)

    async def when_petition_resolved_on_spot_close_case(session: AsyncSession, event: PetitionResolvedOnSpot) -> None:
        await service.close_resolved_on_spot(session=session, event=event, policy=policy)

    return {
        PetitionRegistered: when_petition_registered_open_case,
        ConflictEscalated: when_conflict_escalated_open_case,
        PetitionWithdrawn: when_petition_withdrawn_close_case,
        PetitionResolvedOnSpot: when_petition_resolved_on_spot_close_case,
    }
