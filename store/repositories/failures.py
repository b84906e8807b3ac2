"""Items the clock set aside, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update

from store.models import Base, ClockFailure
from store.repositories.base import Repository


class ClockFailureRepository(Repository):
    """Items the clock set aside (services.core.failures): moved out of the clock's way, and
    recorded with the reason."""

    async def set_aside(self, model: type[Base], item_id: object, values: dict[str, Any]) -> None:
        """Move one row out of the clock's way by these columns (a status, a due time): a plain
        UPDATE, since the row's object may be stale after its savepoint was rolled back."""
        table: Table = model.__table__  # type: ignore[assignment]
        await self.session.execute(update(table).where(table.c.id == item_id).values(values))

    async def add(self, kind: str, item: str, reason: str, now: datetime) -> None:
        self.session.add(ClockFailure(kind=kind, item=item, reason=reason, failed_at=now))

    async def recent(self, limit: int) -> list[ClockFailure]:
        query = select(ClockFailure).order_by(ClockFailure.failed_at.desc(), ClockFailure.id.desc())
        return list(await self.session.scalars(query.limit(limit)))
