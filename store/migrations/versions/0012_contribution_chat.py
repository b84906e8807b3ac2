"""A group message is known by its chat and its id: a group upgraded to a supergroup gets a new
chat id and restarts its message ids, so a contribution keeps the chat it was said in (existing
group messages get their circle's chat) and is unique on (session, chat, message id).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
UPDATE circle_contributions SET chat_id = (
    SELECT circles.chat_id FROM circles
    JOIN circle_sessions ON circle_sessions.circle_id = circles.id
    WHERE circle_sessions.id = circle_contributions.session_id
) WHERE message_id IS NOT NULL
"""


def upgrade() -> None:
    with op.batch_alter_table("circle_contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table("circle_contributions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_circle_contributions_session_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_circle_contributions_message", ["session_id", "chat_id", "message_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("circle_contributions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_circle_contributions_message", type_="unique")
        batch_op.create_unique_constraint("uq_circle_contributions_session_id", ["session_id", "message_id"])
        batch_op.drop_column("chat_id")
