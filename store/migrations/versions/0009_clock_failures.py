"""Items the clock set aside because their own work failed, with the reason.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clock_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("failed_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_failures")),
    )
    op.create_index(op.f("ix_clock_failures_failed_at"), "clock_failures", ["failed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_clock_failures_failed_at"), table_name="clock_failures")
    op.drop_table("clock_failures")
