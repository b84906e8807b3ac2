"""The disclosure log (issue 24), kept apart from the data it is about; a person's stable
pseudonym, given when first needed (a pseudonymised export, scores kept past their limit); and
the table of what is kept past its limit, pseudonymised.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-14 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import store.types

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("logged_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_log")),
        sa.UniqueConstraint("outbox_id", "about_id", name=op.f("uq_disclosure_log_outbox_id")),
    )
    op.create_index("ix_disclosure_log_about", "disclosure_log", ["about_id", "logged_at"])
    op.create_index("ix_disclosure_log_recipient", "disclosure_log", ["recipient_id", "logged_at"])
    op.create_index("ix_disclosure_log_logged_at", "disclosure_log", ["logged_at"])
    op.create_table(
        "kept_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pseudonym", sa.String(length=16), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("kept_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_records")),
    )
    op.create_index("ix_kept_records_kind_day", "kept_records", ["kind", "day"])
    # A unique index, not a constraint: SQLite would rebuild the table, and dropping the old
    # people table would cascade to every row that names a person.
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("pseudonym", sa.String(length=16), nullable=True))
    op.create_index(op.f("ix_people_pseudonym"), "people", ["pseudonym"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_kept_records_kind_day", table_name="kept_records")
    op.drop_table("kept_records")
    op.drop_index(op.f("ix_people_pseudonym"), table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("pseudonym")
    op.drop_index("ix_disclosure_log_logged_at", table_name="disclosure_log")
    op.drop_index("ix_disclosure_log_recipient", table_name="disclosure_log")
    op.drop_index("ix_disclosure_log_about", table_name="disclosure_log")
    op.drop_table("disclosure_log")
