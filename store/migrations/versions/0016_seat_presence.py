"""A seat says who said she was at the session (issue 21): she pressed "I'm here", or the
circle's facilitator marked her present or not. Seats from before have none: taking part alone
says she was there, as it did.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-17 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("circle_seats") as batch:
        batch.add_column(sa.Column("presence", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("circle_seats") as batch:
        batch.drop_column("presence")
