"""Indexes the routing benchmark (bench/routing_cases.py, a million cases) showed to be missing.

- Open cases by scope, in id order: a queue filtered by open states (or any states but closed) otherwise walks the
  scope's whole history, mostly closed cases, before it finds a page (partial: only cases that are not closed).
- The KPI of a district and a period reads its cohort from the index alone: (district_code, received_at) now carries
  the columns the counts need (PostgreSQL INCLUDE), instead of a scan of the whole table; the cohort's clocks come
  from an index on case_id that carries their outcome columns (index-only nested loop, no heap visit per clock).
- Lapsed clocks by lapse time, for the KPI's count of overdue cases in a period (partial: only lapsed clocks).

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

_NOT_CLOSED = sa.text("status <> 'closed'")
_LAPSED = sa.text("lapsed_at IS NOT NULL")
_OPEN_CASE_INDEXES = (
    ("ix_cases_open_unit_code_id", "unit_code"),
    ("ix_cases_open_street_code_id", "street_code"),
    ("ix_cases_open_district_code_id", "district_code"),
)


_COHORT_COLUMNS = ["id", "closed_at", "closed_how", "tier", "rating", "mode", "skip_level", "repeat_count"]
_CLOCK_OUTCOME_COLUMNS = ["kind", "due_at", "stopped_at", "lapsed_at"]


def upgrade() -> None:
    op.drop_index("ix_cases_district_code_received_at", table_name="cases")
    op.create_index(
        "ix_cases_district_code_received_at",
        "cases",
        ["district_code", "received_at"],
        postgresql_include=_COHORT_COLUMNS,
    )
    op.create_index(
        "ix_case_clocks_case_id_outcome", "case_clocks", ["case_id"], postgresql_include=_CLOCK_OUTCOME_COLUMNS
    )
    for name, column in _OPEN_CASE_INDEXES:
        op.create_index(name, "cases", [column, "id"], postgresql_where=_NOT_CLOSED, sqlite_where=_NOT_CLOSED)
    op.create_index(
        "ix_case_clocks_lapsed_at", "case_clocks", ["lapsed_at"], postgresql_where=_LAPSED, sqlite_where=_LAPSED
    )


def downgrade() -> None:
    op.drop_index("ix_case_clocks_lapsed_at", table_name="case_clocks")
    for name, _column in reversed(_OPEN_CASE_INDEXES):
        op.drop_index(name, table_name="cases")
    op.drop_index("ix_case_clocks_case_id_outcome", table_name="case_clocks")
    op.drop_index("ix_cases_district_code_received_at", table_name="cases")
    op.create_index("ix_cases_district_code_received_at", "cases", ["district_code", "received_at"])
