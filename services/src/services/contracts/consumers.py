"""Which service consumes which events: the bus topology every service declares at start.

Declaring every queue before any relay publishes means an event never reaches only the archive because
its consumer had not started yet. A contract test checks each service's handlers against this table.
"""

from services.contracts.envelope import CloudEvent
from services.contracts.intake import PetitionRegistered
from services.contracts.routing import CaseOpened

CONSUMED_BY: dict[str, tuple[type[CloudEvent], ...]] = {
    "intake": (CaseOpened,),
    "routing": (PetitionRegistered,),
    "notify": (PetitionRegistered, CaseOpened),
}


def bindings() -> dict[str, tuple[str, ...]]:
    return {consumer: tuple(cls.event_type for cls in types) for consumer, types in CONSUMED_BY.items()}
