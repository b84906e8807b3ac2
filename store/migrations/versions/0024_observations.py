"""Observations (issue 25): a supervisor's observation of someone of her team with a checklist,
the feedback she sent (strengths, one growth area, the next step and its date), the reply, and
the follow-up of the next step.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    moment = store.types.UTCDateTime
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("checklist_id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("paused", store.types.Json, nullable=True),
        sa.Column("started_at", moment(), nullable=False),
        sa.Column("sent_at", moment(), nullable=True),
        sa.Column("scores", store.types.Json, nullable=False),
        sa.Column("notes", store.types.Json, nullable=False),
        sa.Column("strengths", store.types.Json, nullable=False),
        sa.Column("growth", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_on", sa.Date(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", moment(), nullable=True),
        sa.Column("follow_up_at", moment(), nullable=True),
        sa.Column("followed_up_at", moment(), nullable=True),
        sa.Column("tried", sa.String(length=16), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("follow_up_answered_at", moment(), nullable=True),
        sa.Column("reflection_run_id", sa.Integer(), nullable=True),
        sa.Column("texts_redacted_at", moment(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["observer_id"], ["people.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["run_id"], ["flow_runs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reflection_run_id"], ["flow_runs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_observations_observer_id"), "observations", ["observer_id"])
    op.create_index("ix_observations_person_sent", "observations", ["person_id", "sent_at"])
    op.create_index("ix_observations_follow_up", "observations", ["follow_up_at"])


def downgrade() -> None:
    op.drop_index("ix_observations_follow_up", table_name="observations")
    op.drop_index("ix_observations_person_sent", table_name="observations")
    op.drop_index(op.f("ix_observations_observer_id"), table_name="observations")
    op.drop_table("observations")
