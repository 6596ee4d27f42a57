from services.messaging.bus import (
    DeadLetter,
    Handler,
    MessageBus,
    OutgoingMessage,
    PublishError,
    RetryLater,
    Subscription,
    topic_matches,
)
from services.messaging.memory import InMemoryBus

__all__ = [
    "DeadLetter",
    "Handler",
    "InMemoryBus",
    "MessageBus",
    "OutgoingMessage",
    "PublishError",
    "RetryLater",
    "Subscription",
    "topic_matches",
]
