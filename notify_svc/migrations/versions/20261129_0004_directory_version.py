"""Directory version: a counter that triggers raise on every change to rules, templates and staff contacts, so each
process can cache them and see a change with one cheap read (ADR 0025).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("notification_rules", "notification_templates", "staff_contacts")
BUMP = "UPDATE directory_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "directory_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO directory_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version()"
            )
        return
    for table in TABLES:
        for action in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_{action.lower()}_bump_directory_version AFTER {action} ON {table} "
                f"BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_bump_directory_version ON {table}")
        op.execute("DROP FUNCTION bump_directory_version()")
    else:
        for table in TABLES:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_{action}_bump_directory_version")
    op.drop_table("directory_version")
