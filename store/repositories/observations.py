"""Observations (store/observations.py): started, stopped and gone on with, sent, replied to,
followed up; read for her own view, her supervisor's and the weekly summary."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select

from store.models import FlowRun
from store.observations import Observation
from store.repositories.base import Repository


class ObservationRepository(Repository):
    async def add(
        self, person_id: int, observer_id: int, team_id: int | None, checklist_id: str, now: datetime
    ) -> Observation:
        observation = Observation(
            person_id=person_id,
            observer_id=observer_id,
            team_id=team_id,
            checklist_id=checklist_id,
            started_at=now,
            scores={},
            notes={},
            strengths=[],
        )
        self.session.add(observation)
        await self.session.flush()
        return observation

    async def get(self, observation_id: int) -> Observation | None:
        return await self.session.get(Observation, observation_id)

    async def of_run(self, run_id: int) -> Observation | None:
        query = select(Observation).where(Observation.run_id == run_id)
        return (await self.session.scalars(query)).first()

    async def unfinished(self, observer_id: int) -> list[Observation]:
        """Hers, not sent yet: going on or stopped, oldest first."""
        query = (
            select(Observation)
            .where(Observation.observer_id == observer_id, Observation.sent_at.is_(None))
            .order_by(Observation.id)
        )
        return list(await self.session.scalars(query))

    async def sent_to(self, person_id: int, checklist_id: str | None = None) -> list[Observation]:
        """The observations she received, oldest first (of one checklist, when given)."""
        query = select(Observation).where(
            Observation.person_id == person_id, Observation.sent_at.is_not(None)
        )
        if checklist_id is not None:
            query = query.where(Observation.checklist_id == checklist_id)
        return list(await self.session.scalars(query.order_by(Observation.sent_at, Observation.id)))

    async def latest_sent(self, person_ids: Iterable[int]) -> dict[int, datetime]:
        """When each of these people last received an observation (none: not in the answer)."""
        query = (
            select(Observation.person_id, func.max(Observation.sent_at))
            .where(Observation.person_id.in_(list(person_ids)), Observation.sent_at.is_not(None))
            .group_by(Observation.person_id)
        )
        return {person_id: latest for person_id, latest in await self.session.execute(query) if latest}

    async def sent_since(self, person_ids: Iterable[int], since: datetime) -> list[tuple[int, datetime]]:
        """Whom each observation since `since` was sent to, and when (the summaries' months)."""
        query = select(Observation.person_id, Observation.sent_at).where(
            Observation.person_id.in_(list(person_ids)), Observation.sent_at >= since
        )
        return [(person_id, sent_at) for person_id, sent_at in await self.session.execute(query) if sent_at]

    async def follow_ups_due(self, now: datetime, limit: int) -> list[Observation]:
        query = (
            select(Observation)
            .where(Observation.follow_up_at <= now, Observation.followed_up_at.is_(None))
            .order_by(Observation.follow_up_at, Observation.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_follow_up(self) -> datetime | None:
        query = select(func.min(Observation.follow_up_at)).where(Observation.followed_up_at.is_(None))
        found: datetime | None = await self.session.scalar(query)
        return found

    async def to_reflect_on(self, person_id: int, since: datetime) -> Observation | None:
        """Her latest observation since `since` that no reflection has opened on yet."""
        query = (
            select(Observation)
            .where(
                Observation.person_id == person_id,
                Observation.sent_at >= since,
                Observation.reflection_run_id.is_(None),
            )
            .order_by(Observation.sent_at.desc(), Observation.id.desc())
        )
        return (await self.session.scalars(query)).first()

    async def drop(self, which: ColumnElement[bool]) -> None:
        """The observations `which` chooses go (erasure, retention), and with them the observer's
        run still answering one: its answers are about the person observed."""
        runs = select(Observation.run_id).where(which, Observation.run_id.is_not(None))
        await self.session.execute(
            delete(FlowRun).where(FlowRun.id.in_(runs)).execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(Observation).where(which).execution_options(synchronize_session=False)
        )
