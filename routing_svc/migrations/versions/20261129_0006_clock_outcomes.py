"""Each case counts the outcomes of its register-and-route and handle clocks, so that the KPI reads its cohort alone.

The counts (decided = stopped or lapsed, in time = stopped by its due moment) were computed by joining the cohort's
clocks; at a million cases that join was most of the district-quarter KPI. They are now kept on the case when a clock
stops or lapses (`deadlines.stop_clock`/`lapse_clock`), filled here from the clocks of the existing cases, and the
district cohort index carries them (PostgreSQL INCLUDE), so the KPI is one index-only pass over the cohort.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_KINDS = {"route": "register_and_route", "handle": "handle"}
_COUNTS = [f"{prefix}_{what}" for prefix in _KINDS for what in ("decided", "in_time")]
_COHORT_COLUMNS = ["id", "closed_at", "closed_how", "tier", "rating", "mode", "skip_level", "repeat_count"]


def _sums() -> str:
    decided = "stopped_at IS NOT NULL OR lapsed_at IS NOT NULL"
    in_time = "stopped_at IS NOT NULL AND stopped_at <= due_at"
    return ", ".join(
        f"SUM(CASE WHEN kind = '{kind}' AND ({condition}) THEN 1 ELSE 0 END) AS {prefix}_{what}"
        for prefix, kind in _KINDS.items()
        for what, condition in (("decided", decided), ("in_time", in_time))
    )


def _cohort_index(columns: list[str]) -> None:
    op.drop_index("ix_cases_district_code_received_at", table_name="cases")
    op.create_index(
        "ix_cases_district_code_received_at", "cases", ["district_code", "received_at"], postgresql_include=columns
    )


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name in _COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    assignments = ", ".join(f"{name} = o.{name}" for name in _COUNTS)
    op.execute(
        f"UPDATE cases SET {assignments} FROM (SELECT case_id, {_sums()} FROM case_clocks "
        f"WHERE kind IN ('register_and_route', 'handle') GROUP BY case_id) AS o WHERE cases.id = o.case_id"
    )
    _cohort_index(_COHORT_COLUMNS + _COUNTS)


def downgrade() -> None:
    _cohort_index(_COHORT_COLUMNS)
    with op.batch_alter_table("cases") as batch:
        for name in reversed(_COUNTS):
            batch.drop_column(name)
