from services.db.engine import (
    autocommit_sessions,
    is_memory_sqlite,
    is_postgres,
    make_engine,
    make_session_factory,
    make_worker_engine,
)
from services.db.inbox import inbox_subscription
from services.db.outbox import OutboxRelay, add_event
from services.db.tables import idempotency_keys, inbox, outbox, platform_metadata

__all__ = [
    "OutboxRelay",
    "add_event",
    "autocommit_sessions",
    "idempotency_keys",
    "inbox",
    "inbox_subscription",
    "is_memory_sqlite",
    "is_postgres",
    "make_engine",
    "make_session_factory",
    "make_worker_engine",
    "outbox",
    "platform_metadata",
]
