"""PDSA improvement projects: projects, their cycles, data points, notes and chart requests,
and a person's current project.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pdsa_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=True),
        sa.Column("aim", sa.Text(), nullable=False),
        sa.Column("measure", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("lowest", sa.Double(), nullable=True),
        sa.Column("highest", sa.Double(), nullable=True),
        sa.Column("goal", sa.Double(), nullable=True),
        sa.Column(
            "change_ideas",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column(
            "paused",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name=op.f("fk_pdsa_projects_owner_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["flow_runs.id"], name=op.f("fk_pdsa_projects_run_id_flow_runs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_pdsa_projects_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdsa_projects")),
    )
    with op.batch_alter_table("pdsa_projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdsa_projects_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pdsa_projects_team_id"), ["team_id"], unique=False)

    op.create_table(
        "pdsa_charts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_pdsa_charts_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["pdsa_projects.id"],
            name=op.f("fk_pdsa_charts_project_id_pdsa_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdsa_charts")),
    )
    with op.batch_alter_table("pdsa_charts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdsa_charts_status"), ["status"], unique=False)

    op.create_table(
        "pdsa_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column(
            "plan",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "study",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "act",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "prefill",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column(
            "paused",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("started_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("study_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_prompt_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["pdsa_projects.id"],
            name=op.f("fk_pdsa_cycles_project_id_pdsa_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["flow_runs.id"], name=op.f("fk_pdsa_cycles_run_id_flow_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdsa_cycles")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_pdsa_cycles_project_id")),
    )
    with op.batch_alter_table("pdsa_cycles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdsa_cycles_next_prompt_at"), ["next_prompt_at"], unique=False)

    op.create_table(
        "pdsa_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_pdsa_notes_author_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["pdsa_cycles.id"],
            name=op.f("fk_pdsa_notes_cycle_id_pdsa_cycles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["pdsa_projects.id"],
            name=op.f("fk_pdsa_notes_project_id_pdsa_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdsa_notes")),
    )
    with op.batch_alter_table("pdsa_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdsa_notes_project_id"), ["project_id"], unique=False)

    op.create_table(
        "pdsa_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("replaced", sa.Double(), nullable=True),
        sa.Column("logged_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["pdsa_cycles.id"],
            name=op.f("fk_pdsa_points_cycle_id_pdsa_cycles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_pdsa_points_person_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["pdsa_projects.id"],
            name=op.f("fk_pdsa_points_project_id_pdsa_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdsa_points")),
        sa.UniqueConstraint("project_id", "person_id", "period", name=op.f("uq_pdsa_points_project_id")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("project_id")

    op.drop_table("pdsa_points")
    with op.batch_alter_table("pdsa_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdsa_notes_project_id"))

    op.drop_table("pdsa_notes")
    with op.batch_alter_table("pdsa_cycles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdsa_cycles_next_prompt_at"))

    op.drop_table("pdsa_cycles")
    with op.batch_alter_table("pdsa_charts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdsa_charts_status"))

    op.drop_table("pdsa_charts")
    with op.batch_alter_table("pdsa_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdsa_projects_team_id"))
        batch_op.drop_index(batch_op.f("ix_pdsa_projects_owner_id"))

    op.drop_table("pdsa_projects")
