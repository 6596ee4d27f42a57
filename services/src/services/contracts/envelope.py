"""The CloudEvents 1.0 envelope (structured JSON mode) shared by every event type."""

from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from services.ids import uuid7
from services.logging import current_correlation_id


class EventData(BaseModel):
    """Base of every payload: strict about unknown fields so producers cannot drift silently."""

    model_config = ConfigDict(extra="forbid")


class CloudEvent(BaseModel):
    """Envelope attributes per CloudEvents 1.0; ``correlationid`` is our extension attribute."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    specversion: str = Field(default="1.0", pattern=r"^1\.0$")
    id: str = Field(description="事件 ID，等于发件箱记录 ID 与 AMQP message_id")
    source: str = Field(description="产生事件的服务，如 /intake")
    type: str
    subject: str = Field(description="聚合根 ID（如信访件 ID），同一聚合的事件按顺序投递")
    time: datetime
    datacontenttype: str = "application/json"
    correlationid: str | None = Field(default=None, description="关联 ID，贯穿 HTTP 请求与其引发的事件")
    data: Any

    event_type: ClassVar[str] = ""
    producer: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    example: ClassVar[dict[str, Any]] = {}  # the ``data`` of one realistic instance, for the AsyncAPI document

    @classmethod
    def create(cls, *, subject: str, data: EventData) -> Self:
        return cls(
            id=str(uuid7()),
            source=f"/{cls.producer}",
            type=cls.event_type,
            subject=subject,
            time=datetime.now(UTC),
            correlationid=current_correlation_id(),
            data=data,
        )

    def to_json(self) -> str:
        """Structured mode; an absent optional attribute is left out, while ``data`` keeps its nulls."""
        return self.model_dump_json(exclude={"correlationid"} if self.correlationid is None else None)
