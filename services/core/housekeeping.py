"""Keeping the store small: hushes (services.core.refusals) are needed only until they run out.
Processed update ids go by their retention limit (content/retention.yaml, applied by
services/privacy/retention.py): one place for each limit."""

from __future__ import annotations

from datetime import datetime

from store.database import Database


async def housekeep(db: Database, now: datetime) -> int:
    """Forget spent hushes; how many rows went."""
    async with db.unit_of_work() as uow:
        forgotten = await uow.hushes.prune(now)
        await uow.commit()
    return forgotten
