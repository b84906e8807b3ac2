"""An outbox row that carries one person's data to someone else says which kind of disclosure
it is and whose data it carries (issue 21): the disclosure log and erasure read them later.
Rows queued before have neither.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("disclosure", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column(
                "about_people",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("about_people")
        batch.drop_column("disclosure")
