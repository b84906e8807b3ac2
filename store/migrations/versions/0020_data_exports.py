"""/mydata requests (issue 23): a person's request for everything the bot holds about her,
built and sent by the clock.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-13 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_data_exports_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    op.create_index(op.f("ix_data_exports_person_id"), "data_exports", ["person_id"])
    op.create_index(op.f("ix_data_exports_status"), "data_exports", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_data_exports_status"), table_name="data_exports")
    op.drop_index(op.f("ix_data_exports_person_id"), table_name="data_exports")
    op.drop_table("data_exports")
