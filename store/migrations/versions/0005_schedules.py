"""Schedules' occurrences and marks, a person's /away date, her own quiet hours and
(for a supervisor) her own summary day and time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedule_marks",
        sa.Column("schedule_id", sa.String(length=64), nullable=False),
        sa.Column("checked_until", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("schedule_id", name=op.f("pk_schedule_marks")),
    )
    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("due_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("send_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("remind_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_occurrences_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["flow_runs.id"], name=op.f("fk_occurrences_run_id_flow_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint("schedule_id", "person_id", "due_at", name=op.f("uq_occurrences_schedule_id")),
    )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index("ix_occurrences_person_status", ["person_id", "status"], unique=False)
        batch_op.create_index("ix_occurrences_status_send_at", ["status", "send_at"], unique=False)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("quiet_start", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("quiet_end", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("summary_day", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("summary_time", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("summary_time")
        batch_op.drop_column("summary_day")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")
        batch_op.drop_column("away_until")
    op.drop_table("occurrences")
    op.drop_table("schedule_marks")
