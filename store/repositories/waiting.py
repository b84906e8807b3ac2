"""Questions waiting in a person's queue behind her conversation (DESIGN.md rule 8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select

from store.models import Occurrence, Person, WaitingPrompt
from store.repositories.base import Repository, busy
from store.statuses import OccurrenceStatus


class WaitingPromptRepository(Repository):
    async def add(self, person_id: int, prompt: dict[str, Any], text: str, tag: str, now: datetime) -> None:
        row = WaitingPrompt(person_id=person_id, prompt=prompt, text=text, tag=tag, created_at=now)
        self.session.add(row)

    async def first_for(self, person_id: int) -> WaitingPrompt | None:
        query = (
            select(WaitingPrompt)
            .where(WaitingPrompt.person_id == person_id)
            .order_by(WaitingPrompt.created_at, WaitingPrompt.id)
            .limit(1)
        )
        return await self.session.scalar(query)

    async def remove(self, row: WaitingPrompt) -> None:
        await self.session.delete(row)

    async def lapse(self, tag: str) -> list[WaitingPrompt]:
        """The rows of `tag`, removed: the moment they were for has passed."""
        rows = list(await self.session.scalars(select(WaitingPrompt).where(WaitingPrompt.tag == tag)))
        for row in rows:
            await self.session.delete(row)
        return rows

    async def clear(self, person_id: int) -> None:
        await self.session.execute(delete(WaitingPrompt).where(WaitingPrompt.person_id == person_id))

    async def people_free(self, now: datetime, limit: int) -> list[int]:
        """People with a question waiting who are in no conversation at `now`."""
        query = (
            select(WaitingPrompt.person_id)
            .where(~busy(WaitingPrompt.person_id, now))
            .group_by(WaitingPrompt.person_id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_lapse(self) -> datetime | None:
        """When the earliest open prompt of someone with something waiting lapses."""
        waits = or_(
            select(WaitingPrompt.id).where(WaitingPrompt.person_id == Person.id).exists(),
            select(Occurrence.id)
            .where(Occurrence.person_id == Person.id, Occurrence.status == OccurrenceStatus.WAITING)
            .exists(),
        )
        query = select(func.min(Person.prompt_lapses_at)).where(Person.awaiting.is_not(None), waits)
        return await self.session.scalar(query)
