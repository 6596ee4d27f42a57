"""The outbox's pending rows in publishing order (``ix_outbox_unpublished``): the relay's claim read every
published row still kept before reaching the first pending one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from services.db.migration_ops import create_outbox_unpublished_index, drop_outbox_unpublished_index

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_unpublished_index()


def downgrade() -> None:
    drop_outbox_unpublished_index()
