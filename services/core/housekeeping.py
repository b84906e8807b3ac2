"""Keeping the store small: processed update ids are needed only while Telegram might send an
update again, a matter of hours; a week is ample and keeps the duplicate check fast. Hushes
(services.core.refusals) are needed only until they run out."""

from __future__ import annotations

from datetime import datetime, timedelta

from store.database import Database

KEEP_UPDATE_IDS = timedelta(days=7)


async def housekeep(db: Database, now: datetime) -> int:
    """Forget old update ids and spent hushes; how many rows went."""
    async with db.unit_of_work() as uow:
        forgotten = await uow.updates.prune(now - KEEP_UPDATE_IDS) + await uow.hushes.prune(now)
        await uow.commit()
    return forgotten
