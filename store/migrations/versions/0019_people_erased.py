"""A person who erased herself (issue 23, /forget): her people row stays, emptied, so counts
that point at it stay numbers; `erased_at` says when.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-13 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("erased_at", store.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("erased_at")
