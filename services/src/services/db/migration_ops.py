"""Alembic operations that create the platform tables; each service's first migration calls them."""

from alembic import op

from services.db.tables import idempotency_keys, inbox, outbox

_TABLES = (outbox, inbox, idempotency_keys)


def create_platform_tables() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind)


def drop_platform_tables() -> None:
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind)
