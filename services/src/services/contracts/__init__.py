"""Every event contract, grouped by producing service, discriminated by ``type``.

Import event classes from their producer's module (``services.contracts.routing.CaseOpened``); this
package gathers them for parsing and for the generated documents.
"""

from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from services.contracts import intake, notify, routing, screening
from services.contracts.envelope import CloudEvent, EventData

EVENT_CLASSES: tuple[type[CloudEvent], ...] = (*intake.EVENTS, *routing.EVENTS, *screening.EVENTS, *notify.EVENTS)
EVENT_TYPES: dict[str, type[CloudEvent]] = {cls.event_type: cls for cls in EVENT_CLASSES}

AnyEvent = Annotated[Union[EVENT_CLASSES], Field(discriminator="type")]  # noqa: UP007 - a runtime tuple of classes
_adapter: TypeAdapter[CloudEvent] = TypeAdapter(AnyEvent)


def parse_event(body: bytes | str) -> CloudEvent:
    """Parse a structured-mode CloudEvent into its typed model; raises ``pydantic.ValidationError``."""
    return _adapter.validate_json(body)


__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "AnyEvent",
    "CloudEvent",
    "EventData",
    "intake",
    "notify",
    "parse_event",
    "routing",
    "screening",
]
