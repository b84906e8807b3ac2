"""Learning circles: circles, their members, sessions, contributions and seats (RSVP, taking
part, rating), and invites that also join a circle.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:41:58.814479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "circles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paused", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("set_id", sa.String(length=64), nullable=True),
        sa.Column("meets_on", sa.String(length=10), nullable=True),
        sa.Column("meets_at", sa.Time(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("invite_code", sa.String(length=32), nullable=True),
        sa.Column("sessions_held", sa.Integer(), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["people.id"],
            name=op.f("fk_circles_facilitator_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_circles_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circles")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_circles_chat_id")),
    )
    with op.batch_alter_table("circles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circles_team_id"), ["team_id"], unique=False)

    op.create_table(
        "circle_members",
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("left_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circles.id"],
            name=op.f("fk_circle_members_circle_id_circles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_circle_members_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("circle_id", "person_id", name=op.f("pk_circle_members")),
    )
    op.create_table(
        "circle_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded", sa.Integer(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("segment_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("overrun_told", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column(
            "votes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "uncounted",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("opened_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reported_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circles.id"],
            name=op.f("fk_circle_sessions_circle_id_circles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_sessions")),
        sa.UniqueConstraint("circle_id", "number", name=op.f("uq_circle_sessions_circle_id")),
    )
    with op.batch_alter_table("circle_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_circle_sessions_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(
            "ux_circle_sessions_running",
            ["circle_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('open', 'paused')"),
            postgresql_where=sa.text("status IN ('open', 'paused')"),
        )

    op.create_table(
        "circle_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("shared", sa.String(length=16), nullable=True),
        sa.Column("follow_up_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("tried", sa.Boolean(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_circle_contributions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_sessions.id"],
            name=op.f("fk_circle_contributions_session_id_circle_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_contributions")),
        sa.UniqueConstraint("session_id", "message_id", name=op.f("uq_circle_contributions_session_id")),
    )
    with op.batch_alter_table("circle_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_circle_contributions_follow_up_at"), ["follow_up_at"], unique=False
        )
        batch_op.create_index("ix_circle_contributions_session", ["session_id", "segment"], unique=False)

    op.create_table(
        "circle_seats",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rsvp", sa.String(length=8), nullable=True),
        sa.Column("took_part", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_circle_seats_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_sessions.id"],
            name=op.f("fk_circle_seats_session_id_circle_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_circle_seats")),
    )
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("circle_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invites_circle_id_circles"), "circles", ["circle_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invites_circle_id_circles"), type_="foreignkey")
        batch_op.drop_column("circle_id")

    op.drop_table("circle_seats")
    with op.batch_alter_table("circle_contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_circle_contributions_session")
        batch_op.drop_index(batch_op.f("ix_circle_contributions_follow_up_at"))

    op.drop_table("circle_contributions")
    with op.batch_alter_table("circle_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_circle_sessions_running",
            sqlite_where=sa.text("status IN ('open', 'paused')"),
            postgresql_where=sa.text("status IN ('open', 'paused')"),
        )
        batch_op.drop_index("ix_circle_sessions_status_due")

    op.drop_table("circle_sessions")
    op.drop_table("circle_members")
    with op.batch_alter_table("circles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circles_team_id"))

    op.drop_table("circles")
