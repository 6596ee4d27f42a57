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


OUTBOX_FILLFACTOR = 70  # room in each page for the lease's new row version, so that it stays a HOT update


def add_outbox_lease() -> None:
    """The relay's lease (``lease_until``): a row being published by one relay is left alone by the others while no
    transaction stays open (ADR 0033). A database whose first migration already built the outbox with the column
    (the tables above are the current definition) has it; an older one gets it here. On PostgreSQL, pages keep
    room for the leased version of a row (new pages only)."""
    bind = op.get_bind()
    if "lease_until" not in {column["name"] for column in sa.inspect(bind).get_columns("outbox")}:
        op.add_column("outbox", sa.Column("lease_until", outbox.c.lease_until.type))
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE outbox SET (fillfactor = {OUTBOX_FILLFACTOR})")


def drop_outbox_lease() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE outbox RESET (fillfactor)")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("lease_until")
