"""Which service consumes which events: the bus topology every service declares at start.

Declaring every queue before any relay publishes means an event never reaches only the archive because
its consumer had not started yet. A contract test checks each service's handlers against this table.
"""

from services.contracts import intake, routing, screening
from services.contracts.envelope import CloudEvent

REFERENCE_DATA: tuple[type[CloudEvent], ...] = (routing.JurisdictionUpdated, routing.CatalogueUpdated)

CONSUMED_BY: dict[str, tuple[type[CloudEvent], ...]] = {
    "intake": (*routing.CASE_EVENTS, *REFERENCE_DATA),
    "routing": (
        intake.PetitionRegistered,
        intake.PetitionWithdrawn,
        intake.PetitionResolvedOnSpot,
        screening.ConflictEscalated,
    ),
    "screening": (*routing.CASE_EVENTS, *REFERENCE_DATA),
    "notify": (*intake.EVENTS, *routing.CASE_EVENTS, *screening.EVENTS),
}


def bindings() -> dict[str, tuple[str, ...]]:
    return {consumer: tuple(cls.event_type for cls in types) for consumer, types in CONSUMED_BY.items()}
