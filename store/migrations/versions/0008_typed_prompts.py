"""Typed prompts: an open prompt is a versioned kind with the moment it opened and lapses, and
questions that wait behind a conversation have a queue. The `awaiting` values stored until now
are converted to their kinds; anything else is cleared.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 21:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import store.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _converted(old: Any) -> tuple[dict[str, Any], timedelta] | None:
    """An `awaiting` dict of revision 0007 as the prompt kind it meant (frozen here: a migration
    does not follow later code)."""
    if not isinstance(old, dict):
        return None
    hour2, day = timedelta(hours=2), timedelta(days=1)

    def number(key: str) -> int | None:
        value = old.get(key)
        return (
            int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdecimal()) else None
        )

    if old.get("settings") == "timezone":
        return {"kind": "settings.timezone"}, hour2
    if old.get("settings") == "summary_time" and number("day") is not None:
        return {"kind": "settings.summary_time", "day": number("day")}, hour2
    if old.get("away") == "until":
        return {"kind": "away.until"}, hour2
    if old.get("pdsa") in ("log", "note", "comment") and number("project") is not None:
        kind = {"log": "pdsa.value", "note": "pdsa.note", "comment": "pdsa.comment"}[old["pdsa"]]
        fields: dict[str, Any] = {"kind": kind, "project": number("project")}
        if kind == "pdsa.value":
            fields["day"] = str(old.get("day") or "") or None
        return fields, hour2
    if number("circle_setup") is not None and old.get("ask") in ("name", "language", "time"):
        return {"kind": "circle.setup", "circle": number("circle_setup"), "ask": old["ask"]}, hour2
    if number("circle_answer") is not None:
        return {
            "kind": "circle.answer",
            "session": number("circle_answer"),
            "segment": number("segment") or 0,
        }, hour2
    if number("circle_comment") is not None:
        return {"kind": "circle.comment", "session": number("circle_comment")}, hour2
    if number("circle_outcome") is not None:
        return {"kind": "circle.outcome", "contribution": number("circle_outcome")}, hour2
    if number("reply_to_share") is not None:
        return {"kind": "sharing.reply", "share": number("reply_to_share")}, hour2
    if old.get("bulletin") in ("write", "ready", "when"):
        text, photo = old.get("text"), old.get("photo")
        return {
            "kind": "bulletin.draft",
            "stage": old["bulletin"],
            "text": text if isinstance(text, str) else None,
            "photo": photo if isinstance(photo, str) else None,
        }, day
    return None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prompt_lapses_at", store.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_people_prompt_lapses_at"), ["prompt_lapses_at"], unique=False)
    op.create_table(
        "waiting_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("prompt", JSON, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_waiting_prompts_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_prompts")),
    )
    with op.batch_alter_table("waiting_prompts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_waiting_prompts_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_waiting_prompts_tag"), ["tag"], unique=False)

    people = sa.table(
        "people",
        sa.column("id", sa.Integer()),
        sa.column("awaiting", JSON),
        sa.column("prompt_lapses_at", store.types.UTCDateTime(timezone=True)),
    )
    connection = op.get_bind()
    now = datetime.now(UTC)
    rows = connection.execute(sa.select(people.c.id, people.c.awaiting).where(people.c.awaiting.is_not(None)))
    for person_id, old in rows.all():
        found = _converted(old)
        values: dict[str, Any] = {"awaiting": None, "prompt_lapses_at": None}
        if found is not None:
            prompt, lapse = found
            values = {
                "awaiting": {"v": 1, "opened_at": now.isoformat(), **prompt},
                "prompt_lapses_at": now + lapse,
            }
        connection.execute(sa.update(people).where(people.c.id == person_id).values(**values))


def downgrade() -> None:
    with op.batch_alter_table("waiting_prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waiting_prompts_tag"))
        batch_op.drop_index(batch_op.f("ix_waiting_prompts_person_id"))
    op.drop_table("waiting_prompts")
    op.execute(sa.text("UPDATE people SET awaiting = NULL"))  # 0007's code cannot read typed prompts
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_prompt_lapses_at"))
        batch_op.drop_column("prompt_lapses_at")
