"""The sender's heartbeat: the running bot writes it every second, so that the command line can
tell whether anyone is sending what it queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from store.database import Database

HEARTBEAT_KEY = "sender_heartbeat"
STALE_AFTER = timedelta(seconds=5)


async def beat(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        await uow.settings.set(HEARTBEAT_KEY, now.isoformat())
        await uow.commit()


async def sender_is_alive(db: Database, now: datetime) -> bool:
    """True when a running bot's sender beat in the last 5 seconds."""
    async with db.unit_of_work() as uow:
        value = await uow.settings.get(HEARTBEAT_KEY)
    return value is not None and now - datetime.fromisoformat(value) <= STALE_AFTER
