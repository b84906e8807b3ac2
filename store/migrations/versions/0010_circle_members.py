"""A circle's newcomers join the circle, not a team (issue 18): an invite may be bound to one
Telegram id, a circle lists its old-link members to its facilitator once, and the circle's
shared 50-use link goes. Every circle link still usable is revoked: a forwarded one would
otherwise make anyone a home visitor of the facilitator's team for up to 90 days.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTERs, never a batch copy: on SQLite, copying `circles` would drop the old table
    # and, with foreign keys on, cascade to its members, sessions and invites.
    op.add_column("invites", sa.Column("for_telegram_id", sa.BigInteger(), nullable=True))
    invites = sa.table(
        "invites", sa.column("circle_id", sa.Integer()), sa.column("revoked_at", store.types.UTCDateTime())
    )
    op.execute(
        invites.update()
        .where(invites.c.circle_id.is_not(None), invites.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    op.add_column("circles", sa.Column("old_links_listed_at", store.types.UTCDateTime(), nullable=True))
    op.drop_column("circles", "invite_code")  # SQLite 3.35 and later drop a plain column in place


def downgrade() -> None:
    op.add_column("circles", sa.Column("invite_code", sa.String(length=32), nullable=True))
    op.drop_column("circles", "old_links_listed_at")
    op.drop_column("invites", "for_telegram_id")
