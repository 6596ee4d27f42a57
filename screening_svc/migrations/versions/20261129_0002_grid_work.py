"""Grid work: grid ids and sweep plans, teams, special residents, sweeps and visits, findings, volunteer
services, legal publicity, and the read-only reference copies (jurisdictions, categories).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import uuid
from datetime import date

import sqlalchemy as sa
from alembic import op

from services.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_GRID_NAMESPACE = uuid.UUID("0d3a4e1c-6b0f-5a57-9d7e-2c1f5b0a9e11")


def upgrade() -> None:
    _extend_grids()
    _reference_tables()
    _team_tables()
    _sweep_tables()
    _finding_tables()
    _service_tables()


def _extend_grids() -> None:
    with op.batch_alter_table("grids") as batch:
        batch.add_column(sa.Column("id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("sweeps_per_week", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("active_from", sa.Date(), nullable=True))
    grids = sa.table(
        "grids",
        sa.column("code", sa.String()),
        sa.column("id", sa.Uuid()),
        sa.column("sweeps_per_week", sa.Integer()),
        sa.column("active_from", sa.Date()),
    )
    connection = op.get_bind()
    for (code,) in connection.execute(sa.select(grids.c.code)).all():
        values = {"id": uuid.uuid5(_GRID_NAMESPACE, code), "sweeps_per_week": 1, "active_from": date.today()}
        connection.execute(grids.update().where(grids.c.code == code).values(**values))
    with op.batch_alter_table("grids") as batch:
        batch.alter_column("id", existing_type=sa.Uuid(), nullable=False)
        batch.alter_column("sweeps_per_week", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("active_from", existing_type=sa.Date(), nullable=False)
        batch.create_unique_constraint("uq_grids_id", ["id"])


def _reference_tables() -> None:
    op.create_table(
        "ref_jurisdictions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(12)),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "ref_categories",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parent_code", sa.String(16)),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "ref_versions",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )


def _team_tables() -> None:
    op.create_table(
        "team_members",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("community_code", sa.String(12), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("background", sa.String(32), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("phone_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("phone_masked", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "grid_assignments",
        sa.Column("member_id", sa.Uuid(), sa.ForeignKey("team_members.id"), primary_key=True),
        sa.Column("grid_code", sa.String(16), sa.ForeignKey("grids.code"), primary_key=True, index=True),
    )
    op.create_table(
        "special_residents",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("grid_code", sa.String(16), sa.ForeignKey("grids.code"), nullable=False, index=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("visit_interval", sa.String(8), nullable=False),
        sa.Column("name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("address_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("phone_encrypted", sa.LargeBinary()),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def _sweep_tables() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("grid_code", sa.String(16), sa.ForeignKey("grids.code"), nullable=False, index=True),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("swept_by", sa.String(128), nullable=False),
        sa.Column("swept_at", UTCDateTime(), nullable=False),
        sa.Column("households_visited", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sweeps_week_grid", "sweeps", ["week", "grid_code"])
    op.create_table(
        "resident_visits",
        sa.Column("sweep_id", sa.Uuid(), sa.ForeignKey("sweeps.id"), primary_key=True),
        sa.Column("resident_id", sa.Uuid(), sa.ForeignKey("special_residents.id"), primary_key=True),
        sa.Column("visited_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_resident_visits_resident_day", "resident_visits", ["resident_id", "visited_on"])
    op.create_index("ix_resident_visits_day_resident", "resident_visits", ["visited_on", "resident_id"])
    op.create_table(
        "sweep_gaps_sent",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("gap", sa.String(24), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("week", "gap", "subject", name="uq_sweep_gaps_sent"),
    )


def _finding_tables() -> None:
    op.create_table(
        "findings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("grid_code", sa.String(16), sa.ForeignKey("grids.code"), nullable=False, index=True),
        sa.Column("community_code", sa.String(12), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("summary", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("reported_by", sa.String(128), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("measure", sa.Text()),
        sa.Column("tier", sa.String(16)),
        sa.Column("case_id", sa.Uuid()),
        sa.Column("case_status", sa.String(24)),
        sa.Column("case_unit_code", sa.String(32)),
        sa.Column("case_unit_name", sa.String(64)),
        sa.Column("case_tier", sa.String(16)),
        sa.Column("case_updated_at", UTCDateTime()),
        sa.Column("closed_how", sa.String(24)),
        sa.Column("closed_at", UTCDateTime()),
    )
    op.create_index("ix_findings_community_occurred", "findings", ["community_code", "occurred_at"])


def _service_tables() -> None:
    op.create_table(
        "volunteer_services",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("grid_code", sa.String(16), sa.ForeignKey("grids.code"), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("volunteer_ids", sa.JSON(), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "publicity_events",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("community_code", sa.String(12), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("audience", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "publicity_contents",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


_NEW_TABLES = (
    "publicity_contents", "publicity_events", "volunteer_services", "findings", "sweep_gaps_sent",
    "resident_visits", "sweeps", "special_residents", "grid_assignments", "team_members",
    "ref_versions", "ref_categories", "ref_jurisdictions",
)  # fmt: skip


def downgrade() -> None:
    for table in _NEW_TABLES:
        op.drop_table(table)
    with op.batch_alter_table("grids") as batch:
        batch.drop_constraint("uq_grids_id", type_="unique")
        batch.drop_column("active_from")
        batch.drop_column("sweeps_per_week")
        batch.drop_column("id")
