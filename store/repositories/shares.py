"""Reflections shared with a supervisor."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from store.models import FlowRun, Share
from store.repositories.base import Repository


class ShareRepository(Repository):
    async def add(self, run: FlowRun, team_id: int | None, now: datetime) -> Share:
        share = Share(run_id=run.id, person_id=run.person_id, team_id=team_id, created_at=now)
        self.session.add(share)
        await self.session.flush()
        return share

    async def get(self, share_id: int) -> Share | None:
        return await self.session.get(Share, share_id)

    async def undelivered(self, team_id: int) -> list[Share]:
        query = select(Share).where(Share.team_id == team_id, Share.delivered_at.is_(None)).order_by(Share.id)
        return list(await self.session.scalars(query))

    async def counts_since(self, person_ids: Iterable[int], since: datetime) -> dict[int, int]:
        query = (
            select(Share.person_id, func.count())
            .where(Share.person_id.in_(list(person_ids)), Share.created_at >= since)
            .group_by(Share.person_id)
        )
        return {person_id: count for person_id, count in await self.session.execute(query)}

    async def mark_delivered(self, share: Share, supervisor_id: int, now: datetime) -> None:
        share.supervisor_id = supervisor_id
        share.delivered_at = now
        await self.session.flush()
