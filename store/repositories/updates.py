"""Processed update ids: each Telegram update is handled once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete

from store.bookkeeping import ProcessedUpdate
from store.repositories.base import Repository


class UpdateRepository(Repository):
    async def mark_processed(self, update_id: int, now: datetime) -> bool:
        """True the first time an update id is seen; False for a duplicate, even in a race."""
        result = await self._insert_core(ProcessedUpdate, {"update_id": update_id, "processed_at": now})
        return result.rowcount == 1

    async def prune(self, before: datetime) -> int:
        statement = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount
