"""/away "until I say so" (issue 23): no scheduled message reaches her until she ends it herself.
A flag, not a far-off date, so no made-up day can reach a summary, a chart or her data.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-13 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch mode would copy `people` and drop it, and the drop
    # cascades to every table that refers to a person.
    op.add_column("people", sa.Column("away_open", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("people", "away_open")
