"""Bulletins, and the outbox rows that carry one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:11:45.635497
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_file_id", sa.String(length=200), nullable=True),
        sa.Column("send_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_bulletins_author_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bulletin_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_bulletin_id"), ["bulletin_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_bulletin_id_bulletins"),
            "bulletins",
            ["bulletin_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_bulletin_id_bulletins"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_bulletin_id"))
        batch_op.drop_column("bulletin_id")

    op.drop_table("bulletins")
