"""Organisation: jurisdiction aliases and activity, departments, categories, the dispatch catalogue, reference
versions, and the official calendar entered through the API.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from services.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jurisdictions", sa.Column("aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("jurisdictions", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "departments",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "categories",
        sa.Column("code", sa.String(4), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parent_code", sa.String(4), index=True),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "dispatch_catalogue",
        sa.Column("category_code", sa.String(4), primary_key=True),
        sa.Column("level", sa.String(16), primary_key=True),
        sa.Column("department_code", sa.String(32), nullable=False, index=True),
    )
    versions = op.create_table(
        "reference_versions",
        sa.Column("stream", sa.String(16), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.bulk_insert(versions, [{"stream": "jurisdiction", "version": 0}, {"stream": "catalogue", "version": 0}])
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("entered_by", sa.String(128), nullable=False),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(32)),
    )


def downgrade() -> None:
    for table in ("calendar_days", "calendar_years", "reference_versions", "dispatch_catalogue", "categories"):
        op.drop_table(table)
    op.drop_table("departments")
    with op.batch_alter_table("jurisdictions") as batch:
        batch.drop_column("active")
        batch.drop_column("aliases")
