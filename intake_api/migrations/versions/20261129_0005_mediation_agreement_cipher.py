"""Mediation agreements encrypted at rest like the other personal data: ``agreement`` (plain text) becomes
``agreement_cipher`` (AES-256-GCM under ``INTAKE_PII_KEY``, bound to ``mediations:<id>:agreement``); existing rows
are encrypted in place, an empty text (a failed mediation) becomes NULL.

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


def _mediations(*columns: sa.ColumnClause) -> sa.TableClause:
    return sa.table("mediations", sa.column("id", sa.Uuid()), *columns)


def _cipher():  # noqa: ANN202 - the service's own cipher and binding, with the key from its settings
    from intake_api.config import IntakeSettings
    from services import pii

    return pii.Cipher(IntakeSettings().pii_key)


def upgrade() -> None:
    from intake_api.onsite.mediations.rules import seal_agreement

    with op.batch_alter_table("mediations") as batch:
        batch.add_column(sa.Column("agreement_cipher", sa.LargeBinary(), nullable=True))
    table = _mediations(sa.column("agreement", sa.Text()), sa.column("agreement_cipher", sa.LargeBinary()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.agreement).where(table.c.agreement != "")).all()
    cipher = _cipher() if rows else None
    for row in rows:
        sealed = seal_agreement(row.agreement, cipher=cipher, mediation_id=row.id)
        bind.execute(table.update().where(table.c.id == row.id).values(agreement_cipher=sealed))
    with op.batch_alter_table("mediations") as batch:
        batch.drop_column("agreement")


def downgrade() -> None:
    """Back to plain text: only ever for a development database."""
    from intake_api.onsite.mediations.rules import open_agreement

    with op.batch_alter_table("mediations") as batch:
        batch.add_column(sa.Column("agreement", sa.Text(), nullable=False, server_default=""))
    table = _mediations(sa.column("agreement", sa.Text()), sa.column("agreement_cipher", sa.LargeBinary()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.agreement_cipher).where(table.c.agreement_cipher.is_not(None)))
    rows = rows.all()
    cipher = _cipher() if rows else None
    for row in rows:
        plain = open_agreement(row.agreement_cipher, cipher=cipher, mediation_id=row.id)
        bind.execute(table.update().where(table.c.id == row.id).values(agreement=plain))
    with op.batch_alter_table("mediations") as batch:
        batch.alter_column("agreement", existing_type=sa.Text(), server_default=None)
        batch.drop_column("agreement_cipher")
