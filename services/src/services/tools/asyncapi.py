"""The event side of the published contracts: one JSON Schema per event type and the AsyncAPI 3.0 document.

Both are derived from ``services.contracts`` (the event models, ``CONSUMED_BY``) and the RabbitMQ topology
(``services.messaging.rabbitmq``), so they cannot drift from what the services actually send and receive.
"""

from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid5

from pydantic.json_schema import models_json_schema

from services.contracts import EVENT_CLASSES, CloudEvent
from services.contracts.consumers import CONSUMED_BY
from services.messaging.rabbitmq import CONTENT_TYPE
from services.settings import ServiceSettings

ASYNCAPI_VERSION = "3.0.0"
DOCUMENT_VERSION = "1.0.0"
AMQP_BINDING_VERSION = "0.3.0"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
NAMESPACE: str = ServiceSettings.model_fields["bus_namespace"].default  # the topic exchange
SERVER = {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}

DESCRIPTION = f"""\
智慧信访平台各服务之间通过 RabbitMQ 传递的领域事件。

- 每个事件都是 CloudEvents 1.0 结构化模式（structured mode）的 JSON 文档，内容类型为 `{CONTENT_TYPE}`：\
信封属性 `specversion`、`id`、`source`、`type`、`subject`、`time`、扩展属性 `correlationid` \
与业务数据 `data` 同在消息体中。
- 所有事件发布到持久化的 topic 交换机 `{NAMESPACE}`，路由键（routing key）等于事件的 `type`；\
AMQP 属性 `message_id` 等于事件 `id`，`type` 等于事件类型。
- 每个消费服务有自己的持久化仲裁队列 `{NAMESPACE}.<消费服务>`，按所消费的事件类型绑定；多次处理失败的消息进入死信队列 \
`{NAMESPACE}.<消费服务>.dlq`。
- 投递语义为“至少一次”（at-least-once）：同一事件可能被重复投递，消费者必须以事件 `id` 做幂等处理（收件箱去重）。
- 同一聚合（`subject`）的事件按产生顺序发布。
"""

_TZ = timezone(timedelta(hours=8))
_EXAMPLE_NAMESPACE = UUID("019cac2b-a1b4-7181-a54c-66175d9dc9f8")
_CORRELATION_ID = "019cac2b-9e42-70c5-b48f-c209128b2f33"


# -- JSON Schemas ---------------------------------------------------------------------------------------------


def event_schema_id(cls: type[CloudEvent]) -> str:
    return f"urn:xinfang:events:{cls.event_type}"


def event_description(cls: type[CloudEvent]) -> str:
    return f"{cls.summary}。CloudEvents 1.0 结构化模式事件，由 {cls.producer} 服务产生，路由键 {cls.event_type}。"


def event_json_schema(cls: type[CloudEvent]) -> dict[str, Any]:
    """The stand-alone JSON Schema of one event (``openapi/events/<type>.schema.json``)."""
    schema = cls.model_json_schema()
    head = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": event_schema_id(cls),
        "title": cls.event_type,
        "description": event_description(cls),
    }
    return head | {key: value for key, value in schema.items() if key not in head}


def component_schemas() -> dict[str, Any]:
    """Every event model and its nested models, with references into ``#/components/schemas``."""
    models = [(cls, "validation") for cls in EVENT_CLASSES]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas = top["$defs"]
    for cls in EVENT_CLASSES:
        schemas[cls.__name__] = {"description": event_description(cls)} | schemas[cls.__name__]
    return schemas


# -- examples -------------------------------------------------------------------------------------------------


def example_events() -> dict[str, CloudEvent]:
    """One realistic instance per event type (the demo district 清河区), from each contract's ``example``."""
    examples = {}
    for cls in EVENT_CLASSES:
        if not cls.example:
            continue
        data = cls.model_fields["data"].annotation.model_validate(cls.example)
        examples[cls.event_type] = cls(
            id=str(uuid5(_EXAMPLE_NAMESPACE, cls.event_type)),
            source=f"/{cls.producer}",
            subject=_subject(cls, data),
            time=datetime(2026, 3, 2, 9, 31, 7, tzinfo=_TZ),
            correlationid=_CORRELATION_ID,
            data=data,
        )
    return examples


def _subject(cls: type[CloudEvent], data: Any) -> str:
    """The aggregate id: the first ``*_id`` field of the payload, else the thing's name (reference data)."""
    field = next((name for name in type(data).model_fields if name.endswith("_id")), None)
    return str(getattr(data, field)) if field else cls.event_type.split(".")[1]


def example_payload(cls: type[CloudEvent], examples: dict[str, CloudEvent]) -> dict[str, Any]:
    if cls.event_type not in examples:
        raise LookupError(f"no AsyncAPI example for {cls.event_type}: add one to example_events()")
    return examples[cls.event_type].model_dump(mode="json", exclude_none=True)


# -- AsyncAPI -------------------------------------------------------------------------------------------------


def queue_name(consumer: str) -> str:
    return f"{NAMESPACE}.{consumer}"  # as MessageBus.queue_name


def _message(cls: type[CloudEvent], examples: dict[str, CloudEvent]) -> dict[str, Any]:
    return {
        "name": cls.__name__,
        "title": cls.summary,
        "summary": event_description(cls),
        "contentType": CONTENT_TYPE,
        "correlationId": {
            "description": "关联 ID，贯穿 HTTP 请求与其引发的事件",
            "location": "$message.payload#/correlationid",
        },
        "payload": {"$ref": f"#/components/schemas/{cls.__name__}"},
        "bindings": {"amqp": {"messageType": cls.event_type, "bindingVersion": AMQP_BINDING_VERSION}},
        "examples": [{"name": "demo", "summary": f"示例：{cls.summary}", "payload": example_payload(cls, examples)}],
    }


def _event_channel(cls: type[CloudEvent]) -> dict[str, Any]:
    exchange = {"name": NAMESPACE, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"}
    return {
        "address": cls.event_type,
        "title": cls.summary,
        "description": f"发布到 topic 交换机 `{NAMESPACE}`，路由键 `{cls.event_type}`。",
        "messages": {cls.__name__: {"$ref": f"#/components/messages/{cls.__name__}"}},
        "bindings": {"amqp": {"is": "routingKey", "exchange": exchange, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def _queue_channel(consumer: str, types: tuple[type[CloudEvent], ...]) -> dict[str, Any]:
    name = queue_name(consumer)
    queue = {"name": name, "durable": True, "exclusive": False, "autoDelete": False, "vhost": "/"}
    return {
        "address": name,
        "title": f"{consumer} 服务的消费队列",
        "description": f"仲裁队列，绑定交换机 `{NAMESPACE}` 的路由键：" + "、".join(f"`{c.event_type}`" for c in types),
        "messages": {cls.__name__: {"$ref": f"#/components/messages/{cls.__name__}"} for cls in types},
        "bindings": {"amqp": {"is": "queue", "queue": queue, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def queue_channel_id(consumer: str) -> str:
    return f"{consumer}Queue"


def _send(cls: type[CloudEvent]) -> dict[str, Any]:
    amqp = {"cc": [cls.event_type], "deliveryMode": 2, "mandatory": True, "bindingVersion": AMQP_BINDING_VERSION}
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{cls.__name__}"},
        "summary": f"{cls.producer} 服务发布：{cls.summary}",
        "messages": [{"$ref": f"#/channels/{cls.__name__}/messages/{cls.__name__}"}],
        "bindings": {"amqp": amqp},
    }


def _receive(consumer: str, cls: type[CloudEvent]) -> dict[str, Any]:
    channel = queue_channel_id(consumer)
    return {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": f"{consumer} 服务从队列 {queue_name(consumer)} 消费：{cls.summary}",
        "description": "处理成功后确认（ack）；处理失败重新投递，超过投递上限进入死信队列。按事件 id 幂等。",
        "messages": [{"$ref": f"#/channels/{channel}/messages/{cls.__name__}"}],
        "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def _operations() -> dict[str, Any]:
    operations = {f"{cls.producer}Send{cls.__name__}": _send(cls) for cls in EVENT_CLASSES}
    for consumer, types in CONSUMED_BY.items():
        operations |= {f"{consumer}Receive{cls.__name__}": _receive(consumer, cls) for cls in types}
    return operations


def build_asyncapi() -> dict[str, Any]:
    examples = example_events()
    channels = {cls.__name__: _event_channel(cls) for cls in EVENT_CLASSES}
    channels |= {queue_channel_id(consumer): _queue_channel(consumer, types) for consumer, types in CONSUMED_BY.items()}
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "智慧信访平台事件", "version": DOCUMENT_VERSION, "description": DESCRIPTION},
        "defaultContentType": CONTENT_TYPE,
        "servers": {"production": SERVER | {"description": "RabbitMQ（AMQP 0-9-1），虚拟主机 /"}},
        "channels": channels,
        "operations": _operations(),
        "components": {
            "schemas": component_schemas(),
            "messages": {cls.__name__: _message(cls, examples) for cls in EVENT_CLASSES},
        },
    }
