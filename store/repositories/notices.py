"""Notices for the program's admins: one row per kind and circle, open until resolved; or an
alert about a check-in, open until an admin is told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from store.models import Circle, Notice, Person
from store.repositories.base import Repository
from store.statuses import CircleStatus, NoticeKind


class NoticeRepository(Repository):
    async def circles_needing_facilitator(self) -> list[Circle]:
        """Circles past their set-up whose facilitator is gone or deactivated."""
        gone = select(Person.id).where(Person.id == Circle.facilitator_id, Person.deactivated.is_(False))
        query = select(Circle).where(Circle.status != CircleStatus.SETUP, ~gone.exists())
        return list(await self.session.scalars(query.order_by(Circle.id)))

    async def open(self, kind: NoticeKind, circle_ids: Iterable[int], now: datetime) -> list[Notice]:
        """A notice for each circle that has none open: a new row, or its resolved one reopened
        (untold again). Those already open are left as they are."""
        ids = list(circle_ids)
        query = select(Notice).where(Notice.kind == kind, Notice.circle_id.in_(ids))
        known = {notice.circle_id: notice for notice in await self.session.scalars(query)}
        opened = []
        for circle_id in ids:
            notice = known.get(circle_id)
            if notice is None:
                notice = Notice(kind=kind, circle_id=circle_id, created_at=now)
                self.session.add(notice)
            elif notice.resolved_at is not None:
                notice.created_at, notice.told_at, notice.resolved_at = now, None, None
            else:
                continue
            opened.append(notice)
        await self.session.flush()
        return opened

    async def alert(self, run_id: int, alerts: list[int], now: datetime) -> Notice:
        """A check-in's alert that waits for an admin: its run, and which of its flow's alerts."""
        notice = Notice(kind=NoticeKind.ALERT, run_id=run_id, alerts=alerts, created_at=now)
        self.session.add(notice)
        await self.session.flush()
        return notice

    async def open_ones(self, kind: NoticeKind | None = None) -> list[Notice]:
        query = select(Notice).where(Notice.resolved_at.is_(None))
        if kind is not None:
            query = query.where(Notice.kind == kind)
        return list(await self.session.scalars(query.order_by(Notice.created_at, Notice.id)))

    async def resolve(self, notices: Iterable[Notice], now: datetime) -> None:
        for notice in notices:
            notice.resolved_at = now
        await self.session.flush()

    async def untold(self, kind: NoticeKind, limit: int, leave_out: Iterable[int] = ()) -> list[Notice]:
        """Open notices of `kind` no admin has been told of yet (but those `leave_out` names)."""
        untold = Notice.kind == kind, Notice.resolved_at.is_(None), Notice.told_at.is_(None)
        query = select(Notice).where(*untold)
        left_out = list(leave_out)
        if left_out:
            query = query.where(Notice.id.not_in(left_out))
        return list(await self.session.scalars(query.order_by(Notice.id).limit(limit)))
