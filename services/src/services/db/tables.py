"""Tables every service database has: outbox, inbox, idempotency keys.

They live on their own ``MetaData`` because each service has its own database: the same definitions
are created by each service's first migration (``services.db.migration_ops``).
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
)

from services.db.types import UTCDateTime

platform_metadata = MetaData()

_seq_type = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    platform_metadata,
    Column("seq", _seq_type, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(128), nullable=False),
    Column("aggregate_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("correlation_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime),
    Column("lease_until", UTCDateTime),  # a relay publishing the row (PostgreSQL), until then; null when none
)
Index(
    "ix_outbox_pending",
    outbox.c.aggregate_id,
    outbox.c.seq,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)
Index(  # the relay's claim walks this in order; without it, it walked every published row still kept (7 days)
    "ix_outbox_unpublished",
    outbox.c.seq,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)

inbox = Table(
    "inbox",
    platform_metadata,
    Column("consumer", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
)

idempotency_keys = Table(
    "idempotency_keys",
    platform_metadata,
    Column("principal", String(128), nullable=False),
    Column("key", String(128), nullable=False),
    Column("request_fingerprint", String(64), nullable=False),
    Column("status_code", SmallInteger, nullable=False),
    Column("response_body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("principal", "key", name="pk_idempotency_keys"),
)
