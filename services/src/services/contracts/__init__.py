"""Every event contract, grouped by producing service, discriminated by ``type``."""

from typing import Annotated

from pydantic import Field, TypeAdapter

from services.contracts.envelope import CloudEvent, EventData
from services.contracts.intake import PetitionRegistered, PetitionRegisteredData
from services.contracts.routing import CaseOpened, CaseOpenedData

EVENT_CLASSES: tuple[type[CloudEvent], ...] = (PetitionRegistered, CaseOpened)
EVENT_TYPES: dict[str, type[CloudEvent]] = {cls.event_type: cls for cls in EVENT_CLASSES}

AnyEvent = Annotated[PetitionRegistered | CaseOpened, Field(discriminator="type")]
_adapter: TypeAdapter[CloudEvent] = TypeAdapter(AnyEvent)


def parse_event(body: bytes | str) -> CloudEvent:
    """Parse a structured-mode CloudEvent into its typed model; raises ``pydantic.ValidationError``."""
    return _adapter.validate_json(body)


__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "AnyEvent",
    "CaseOpened",
    "CaseOpenedData",
    "CloudEvent",
    "EventData",
    "PetitionRegistered",
    "PetitionRegisteredData",
    "parse_event",
]
