"""Hushes: who or which group the bot refused lately, so refusals stay few (issue 18).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hushes",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("until", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hushes")),
    )
    op.create_index(op.f("ix_hushes_until"), "hushes", ["until"])


def downgrade() -> None:
    op.drop_index(op.f("ix_hushes_until"), table_name="hushes")
    op.drop_table("hushes")
