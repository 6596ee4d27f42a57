"""Petitioners with encrypted PII, petition registration details, checks, attachments, reference copies and the
read audit. The plain ``petitioner_name``/``petitioner_phone`` of the skeleton move into ``petitioners``
(the phone encrypted under ``INTAKE_PII_KEY``), and no plain phone column remains.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NEW_PETITION_COLUMNS = (
    ("petitioner_id", sa.Uuid()),
    ("kind", sa.String(16)),
    ("severity", sa.String(16)),
    ("summary", sa.String(200)),
    ("requests", sa.Text()),
    ("group_size", sa.Integer()),
    ("representatives", sa.JSON()),
    ("signature", sa.LargeBinary()),
    ("first_time", sa.Boolean()),
    ("skip_level", sa.Boolean()),
    ("proper_level", sa.String(16)),
    ("outcome", sa.String(32)),
    ("notice", sa.Text()),
    ("re_reviewed", sa.Boolean()),
)
_OPTIONAL_PETITION_COLUMNS = (
    ("occurred_at", UTCDateTime()),
    ("legal_route", sa.String(40)),
    ("repeat_of", sa.Uuid()),
    ("visited_level", sa.String(16)),
    ("reason", sa.String(32)),
    ("related_tracking_no", sa.String(32)),
    ("case_status", sa.String(24)),
    ("case_tier", sa.String(16)),
)


def upgrade() -> None:
    _create_petitioners()
    _create_reference_and_audit()
    with op.batch_alter_table("petitions") as batch:
        for name, type_ in (*_NEW_PETITION_COLUMNS, *_OPTIONAL_PETITION_COLUMNS):
            batch.add_column(sa.Column(name, type_, nullable=True))
    _move_petitioners_out()
    with op.batch_alter_table("petitions") as batch:
        for name, type_ in _NEW_PETITION_COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=False)
        batch.drop_column("petitioner_name")
        batch.drop_column("petitioner_phone")
        batch.create_index("ix_petitions_petitioner_id", ["petitioner_id"])
        batch.create_foreign_key("fk_petitions_petitioner_id", "petitioners", ["petitioner_id"], ["id"])
        batch.create_foreign_key("fk_petitions_repeat_of", "petitions", ["repeat_of"], ["id"])
    _create_attachments()


def _create_petitioners() -> None:
    op.create_table(
        "petitioners",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("account_sub", sa.String(128), index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("id_number_cipher", sa.LargeBinary()),
        sa.Column("id_number_hash", sa.String(64), unique=True),
        sa.Column("id_number_masked", sa.String(24)),
        sa.Column("phone_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False, index=True),
        sa.Column("phone_masked", sa.String(24), nullable=False),
        sa.Column("email_cipher", sa.LargeBinary()),
        sa.Column("address", sa.String(200)),
        sa.Column("special_needs", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def _create_reference_and_audit() -> None:
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
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "pii_access_log",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(128), nullable=False, index=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64), index=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(500)),
        sa.Column("outcome", sa.String(16), nullable=False),
    )


def _create_attachments() -> None:
    op.create_table(
        "petition_attachments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("petition_id", sa.Uuid(), sa.ForeignKey("petitions.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def _petitions_table(*columns: sa.Column) -> sa.TableClause:
    return sa.table("petitions", sa.column("id", sa.Uuid()), *columns)


def _move_petitioners_out() -> None:
    """Each skeleton petition gets its own petitioner (the skeleton had no ID number to tell people apart)."""
    bind = op.get_bind()
    old = _petitions_table(sa.column("petitioner_name"), sa.column("petitioner_phone"), sa.column("content"))
    rows = bind.execute(sa.select(old)).all()
    if not rows:
        return
    from intake_api.config import IntakeSettings
    from intake_api.petitioners.crypto import PetitionerCrypto
    from intake_api.petitions.similarity import signature
    from services.ids import uuid7

    crypto = PetitionerCrypto.from_settings(IntakeSettings())
    petitioners = sa.table(
        "petitioners", sa.column("id", sa.Uuid()), sa.column("name"), sa.column("phone_cipher", sa.LargeBinary()),
        sa.column("phone_hash"), sa.column("phone_masked"), sa.column("special_needs", sa.JSON()),
        sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()),
    )  # fmt: skip
    new = _petitions_table(*(sa.column(name, type_) for name, type_ in _NEW_PETITION_COLUMNS))
    now = datetime.now(UTC)
    for row in rows:
        petitioner_id = uuid7()
        phone = crypto.phone_columns(petitioner_id, row.petitioner_phone)
        bind.execute(
            petitioners.insert().values(
                id=petitioner_id, name=row.petitioner_name, special_needs=[], created_at=now, updated_at=now, **phone
            )
        )
        bind.execute(
            new.update().where(new.c.id == row.id).values(
                petitioner_id=petitioner_id, kind="complaint", severity="general", summary=row.content[:60],
                requests="", group_size=1, representatives=[], signature=signature(row.content).to_bytes(),
                first_time=True, skip_level=False, proper_level="community", outcome="accepted", notice="",
                re_reviewed=False,
            )
        )  # fmt: skip


def downgrade() -> None:
    op.drop_table("petition_attachments")
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("petitioner_name", sa.String(64), nullable=True))
        batch.add_column(sa.Column("petitioner_phone", sa.String(20), nullable=True))
    _move_petitioners_back()
    with op.batch_alter_table("petitions") as batch:
        batch.alter_column("petitioner_name", existing_type=sa.String(64), nullable=False)
        batch.alter_column("petitioner_phone", existing_type=sa.String(20), nullable=False)
        batch.drop_constraint("fk_petitions_repeat_of", type_="foreignkey")
        batch.drop_constraint("fk_petitions_petitioner_id", type_="foreignkey")
        batch.drop_index("ix_petitions_petitioner_id")
        for name, _ in (*_NEW_PETITION_COLUMNS, *_OPTIONAL_PETITION_COLUMNS):
            batch.drop_column(name)
    for table in ("pii_access_log", "ref_versions", "ref_categories", "ref_jurisdictions", "petitioners"):
        op.drop_table(table)


def _move_petitioners_back() -> None:
    """Down to the skeleton's plain columns: only ever for a development database."""
    bind = op.get_bind()
    petitions = _petitions_table(
        sa.column("petitioner_id", sa.Uuid()), sa.column("petitioner_name"), sa.column("petitioner_phone")
    )
    petitioners = sa.table(
        "petitioners", sa.column("id", sa.Uuid()), sa.column("name"), sa.column("phone_cipher", sa.LargeBinary())
    )
    rows = bind.execute(
        sa.select(
            petitions.c.id, petitioners.c.id.label("petitioner_id"), petitioners.c.name, petitioners.c.phone_cipher
        ).join_from(petitions, petitioners, petitioners.c.id == petitions.c.petitioner_id)
    ).all()
    if not rows:
        return
    from intake_api.config import IntakeSettings
    from intake_api.petitioners.crypto import PetitionerCrypto

    crypto = PetitionerCrypto.from_settings(IntakeSettings())
    for row in rows:
        phone = crypto.decrypt_phone(row.petitioner_id, row.phone_cipher)
        bind.execute(
            petitions.update().where(petitions.c.id == row.id).values(petitioner_name=row.name, petitioner_phone=phone)
        )
