"""Schedules' occurrences, and how far each schedule has been looked at."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update

from store.models import Occurrence, ScheduleMark
from store.repositories.base import Repository, busy, prepared_insert
from store.statuses import OccurrenceReason, OccurrenceStatus


class OccurrenceRepository(Repository):
    async def checked_until(self, schedule_id: str) -> datetime | None:
        mark = await self.session.get(ScheduleMark, schedule_id)
        return None if mark is None else mark.checked_until

    async def set_checked_until(self, schedule_id: str, moment: datetime) -> None:
        await self.session.merge(ScheduleMark(schedule_id=schedule_id, checked_until=moment))

    async def add_many(self, rows: list[dict[str, Any]]) -> None:
        """One executemany; an occurrence already there (same schedule, person and time) stays."""
        if rows:
            connection = await self.session.connection()
            table: Table = Occurrence.__table__  # type: ignore[assignment]
            await connection.execute(prepared_insert(connection.dialect.name, table, None, True), rows)

    async def get(self, occurrence_id: int) -> Occurrence | None:
        return await self.session.get(Occurrence, occurrence_id)

    async def due(self, now: datetime, limit: int) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.status == OccurrenceStatus.PENDING, Occurrence.send_at <= now)
            .order_by(Occurrence.send_at, Occurrence.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def unblocked(self, now: datetime, limit: int) -> list[Occurrence]:
        """Waiting flows whose person is in no conversation any more."""
        query = (
            select(Occurrence)
            .where(Occurrence.status == OccurrenceStatus.WAITING, ~busy(Occurrence.person_id, now))
            .order_by(Occurrence.send_at, Occurrence.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def fail_waiting(self, person_id: int) -> None:
        """Her waiting flows, set aside as failed (the clock could not start them)."""
        query = update(Occurrence).where(
            Occurrence.person_id == person_id, Occurrence.status == OccurrenceStatus.WAITING
        )
        await self.session.execute(
            query.values(status=OccurrenceStatus.FAILED, reason=OccurrenceReason.ERROR)
        )

    async def waiting_for(self, person_id: int) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.person_id == person_id, Occurrence.status == OccurrenceStatus.WAITING)
            .order_by(Occurrence.send_at, Occurrence.id)
        )
        return list(await self.session.scalars(query))

    async def reminders_due(self, now: datetime, limit: int) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.status == OccurrenceStatus.STARTED, Occurrence.remind_at <= now)
            .order_by(Occurrence.remind_at, Occurrence.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def for_run(self, run_id: int) -> Occurrence | None:
        return await self.session.scalar(select(Occurrence).where(Occurrence.run_id == run_id))

    async def since(self, person_ids: Iterable[int], since: datetime) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.person_id.in_(list(person_ids)), Occurrence.due_at >= since)
            .order_by(Occurrence.due_at, Occurrence.id)
        )
        return list(await self.session.scalars(query))

    async def next_due(self) -> datetime | None:
        """The earliest moment a row needs the clock: a pending send or a reminder."""
        pending = await self.session.scalar(
            select(func.min(Occurrence.send_at)).where(Occurrence.status == OccurrenceStatus.PENDING)
        )
        reminder = await self.session.scalar(
            select(func.min(Occurrence.remind_at)).where(Occurrence.status == OccurrenceStatus.STARTED)
        )
        return min((moment for moment in (pending, reminder) if moment is not None), default=None)
