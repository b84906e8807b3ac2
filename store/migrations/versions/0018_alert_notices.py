"""A check-in alert that no supervisor can hear waits as a notice for the program's admins
(issue 21): a notice may be about a flow run (the check-in, and which of its flow's alerts it
raised) rather than a circle.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.alter_column("circle_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("alerts", store.types.Json, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_notices_run_id_flow_runs"), "flow_runs", ["run_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    op.execute("DELETE FROM notices WHERE circle_id IS NULL")
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint(batch.f("fk_notices_run_id_flow_runs"), type_="foreignkey")
        batch.drop_column("alerts")
        batch.drop_column("run_id")
        batch.alter_column("circle_id", existing_type=sa.Integer(), nullable=False)
