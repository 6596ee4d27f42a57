"""Webhooks: subscription changes raise the directory version too (so each process caches the subscribers of every
event type and sees a change with the read it already makes), and due deliveries are found per endpoint through a
partial index on pending rows instead of scanning the backlog (ADR 0029).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "webhook_subscriptions"
BUMP = "UPDATE directory_version SET version = version + 1 WHERE id = 1"
PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_bump_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version()"
        )
    else:
        for action in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_{action.lower()}_bump_directory_version AFTER {action} ON {TABLE} "
                f"BEGIN {BUMP}; END"
            )
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.create_index(
        "ix_webhook_deliveries_pending",
        "webhook_deliveries",
        ["subscription_id", "next_attempt_at", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_pending", table_name="webhook_deliveries")
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_bump_directory_version ON {TABLE}")
    else:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {TABLE}_{action}_bump_directory_version")
