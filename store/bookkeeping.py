"""The bot's own bookkeeping, not anyone's data: the update ids it has handled, the items its
clock set aside, the hushes that keep its refusals in a group few (services.core.refusals), and
the notices its admins must act on.
`store/models.py` imports them, so the tables are all in one metadata."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store import statuses
from store.declarative import Base
from store.types import Json, UTCDateTime


class ProcessedUpdate(Base):
    """Telegram update ids already handled; ids restart at random after a quiet week, so this
    is a set of recent ids (pruned by age), not a high-water mark."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ClockFailure(Base):
    """An item the clock set aside because its own work failed (DESIGN.md: one failure stays one
    failure): which item, why (the error's type and where it was raised, never its text, which
    could hold someone's words) and when. `circlebot failures` lists them for staff."""

    __tablename__ = "clock_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # what the item is: chart, circle-session, ...
    item: Mapped[str] = mapped_column(String(64))  # its id
    reason: Mapped[str] = mapped_column(String(255))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Hush(Base):
    """Someone (`person:<chat>:<telegram id>`) or a group (`group:<chat>`) the bot has refused
    lately: until `until` no other refusal is said to that key. Expired rows are forgotten by the
    housekeeping."""

    __tablename__ = "hushes"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Notice(Base):
    """What the program's admins must act on (a circle that needs a facilitator, an alert with no
    supervisor to hear it): told once to every admin who joined (`told_at`)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("kind", "circle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[statuses.NoticeKind] = mapped_column(String(32))
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"))  # an alert's
    alerts: Mapped[list[int] | None] = mapped_column(Json)  # which of its flow's alerts it raised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())  # opened, or reopened
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: no admin has joined yet
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
