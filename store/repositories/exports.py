"""/mydata requests: one pending per person, read by the clock in order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from store.exports import DataExport
from store.repositories.base import Repository
from store.statuses import ExportStatus


class ExportRepository(Repository):
    async def ask(self, person_id: int, now: datetime) -> bool:
        """A request for her, unless one is pending: True when this call made it."""
        pending = select(DataExport.id).where(
            DataExport.person_id == person_id, DataExport.status == ExportStatus.PENDING
        )
        if await self.session.scalar(pending.limit(1)) is not None:
            return False
        self.session.add(DataExport(person_id=person_id, created_at=now))
        await self.session.flush()
        return True

    async def pending(self, limit: int) -> list[DataExport]:
        query = select(DataExport).where(DataExport.status == ExportStatus.PENDING)
        return list(await self.session.scalars(query.order_by(DataExport.id).limit(limit)))

    async def get(self, export_id: int) -> DataExport | None:
        return await self.session.get(DataExport, export_id)

    async def next_due(self) -> datetime | None:
        """When the oldest pending request was made (the clock is due at once), else None."""
        oldest = func.min(DataExport.created_at)
        return await self.session.scalar(select(oldest).where(DataExport.status == ExportStatus.PENDING))
