"""The bot's own bookkeeping, not anyone's data: the update ids it has handled, the items its
clock set aside, and the hushes that keep its refusals in a group few (services.core.refusals).
`store/models.py` imports them, so the tables are all in one metadata."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from store.declarative import Base
from store.types import UTCDateTime


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
