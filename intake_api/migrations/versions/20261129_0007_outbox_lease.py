"""The outbox relay's lease (``lease_until``): rows are claimed in a short transaction and published outside it, so
that no transaction stays open while the broker confirms (ADR 0033).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from services.db.migration_ops import add_outbox_lease, drop_outbox_lease

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_lease()


def downgrade() -> None:
    drop_outbox_lease()
