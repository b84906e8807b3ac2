"""Retention (issue 24): an outbox row's payload redacted at its limit is marked (`redacted_at`),
so `outbox retry` never sends a redacted row and the clock reads only rows not yet redacted;
indexes on the moments retention's clock starts from (an answer's, a run's end), so its hourly
pass reads a range instead of the whole table.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-15 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("redacted_at", store.types.UTCDateTime(), nullable=True))
    op.create_index("ix_outbox_unredacted", "outbox", ["redacted_at", "created_at"])
    op.create_index(op.f("ix_answers_answered_at"), "answers", ["answered_at"])
    op.create_index(op.f("ix_flow_runs_finished_at"), "flow_runs", ["finished_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_flow_runs_finished_at"), table_name="flow_runs")
    op.drop_index(op.f("ix_answers_answered_at"), table_name="answers")
    op.drop_index("ix_outbox_unredacted", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("redacted_at")
