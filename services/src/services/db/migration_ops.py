"""Alembic operations on the platform tables: each service's first migration creates them, later ones amend them."""

import sqlalchemy as sa
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


def create_outbox_unpublished_index() -> None:
    """The pending rows in publishing order. A database whose first migration already built the outbox with this
    index (the tables above are the current definition) has it; an older one gets it here."""
    pending = sa.text("published_at IS NULL")
    op.create_index(
        "ix_outbox_unpublished", "outbox", ["seq"], postgresql_where=pending, sqlite_where=pending, if_not_exists=True
    )


def drop_outbox_unpublished_index() -> None:
    op.drop_index("ix_outbox_unpublished", table_name="outbox", if_exists=True)
