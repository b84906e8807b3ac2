"""What `circlebot export` reads (services/exporting): each kind's rows as a query with the
export's filters (a team, a time window), read a keyset page at a time through Core, so an
export of any size holds one page in memory and no unit of work stays open for long."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from flows.run import RunStatus
from store.kept import KeptRecord
from store.models import (
    Answer,
    Bulletin,
    Circle,
    CircleSession,
    Cycle,
    DataPoint,
    FlowRun,
    Note,
    Person,
    PersonRole,
    Project,
    Seat,
    Share,
    Team,
)
from store.observations import Observation
from store.repositories.base import Repository
from store.statuses import ProjectStatus

Query = Select[*tuple[Any, ...]]  # any statement's rows
Window = tuple[datetime | None, datetime | None]  # from (inclusive), to (exclusive)


def _within(
    column: Any, start: datetime | date | None, end: datetime | date | None
) -> list[ColumnElement[bool]]:
    return [
        c
        for c in (None if start is None else column >= start, None if end is None else column < end)
        if c is not None
    ]


def _of_team(column: Any, team_id: int | None) -> list[ColumnElement[bool]]:
    """`column` (a person's id) names someone in the team."""
    if team_id is None:
        return []
    return [column.in_(select(Person.id).where(Person.team_id == team_id))]


def people(team_id: int | None) -> Query:
    query = select(
        Person.id,
        Person.name,
        Person.username,
        Person.telegram_id,
        Person.team_id,
        Person.language,
        Person.timezone,
        Person.consented_at,
        Person.created_at,
        Person.deactivated,
        Person.unreachable,
        Person.away_until,
    ).where(Person.erased_at.is_(None))
    return query if team_id is None else query.where(Person.team_id == team_id)


def runs(flow_ids: Iterable[str], team_id: int | None, window: Window) -> Query:
    """Completed runs of these flows, finished within the window."""
    return select(FlowRun.id, FlowRun.person_id, FlowRun.flow_id, FlowRun.finished_at).where(
        FlowRun.flow_id.in_(list(flow_ids)),
        FlowRun.status == RunStatus.COMPLETED,
        *_within(FlowRun.finished_at, *window),
        *_of_team(FlowRun.person_id, team_id),
    )


def shares(team_id: int | None, window: Window) -> Query:
    return (
        select(
            Share.id,
            Share.run_id,
            Share.person_id,
            Share.supervisor_id,
            Share.created_at,
            Share.delivered_at,
            FlowRun.flow_id,
        )
        .join(FlowRun, FlowRun.id == Share.run_id)
        .where(*_within(Share.created_at, *window), *_of_team(Share.person_id, team_id))
    )


def shared_answers(team_id: int | None, window: Window) -> Query:
    """The answers of shared reflections (what the reflections sheet counts)."""
    return (
        select(Answer.id)
        .join(Share, Share.run_id == Answer.run_id)
        .where(*_within(Share.created_at, *window), *_of_team(Share.person_id, team_id))
    )


def projects(team_id: int | None) -> Query:
    query = select(Project.id).where(Project.status != ProjectStatus.DRAFT)
    if team_id is None:
        return query
    return query.where(or_(Project.team_id == team_id, *_of_team(Project.owner_id, team_id)))


def project_rows(team_id: int | None) -> list[Query]:
    """The cycles, points and notes of the projects an export carries (what its pdsa sheet counts)."""
    ids = projects(team_id)
    return [select(model.id).where(model.project_id.in_(ids)) for model in (Cycle, DataPoint, Note)]


def circles(team_id: int | None) -> Query:
    query = select(
        Circle.id,
        Circle.name,
        Circle.team_id,
        Circle.facilitator_id,
        Circle.status,
        Circle.language,
        Circle.set_id,
        Circle.meets_on,
        Circle.meets_at,
        Circle.sessions_held,
        Circle.created_at,
    )
    return query if team_id is None else query.where(Circle.team_id == team_id)


def sessions(team_id: int | None, window: Window) -> Query:
    query = select(
        CircleSession.id,
        CircleSession.circle_id,
        CircleSession.number,
        CircleSession.template_id,
        CircleSession.status,
        CircleSession.starts_at,
        CircleSession.ended_at,
    ).where(*_within(CircleSession.starts_at, *window))
    if team_id is None:
        return query
    return query.where(CircleSession.circle_id.in_(select(Circle.id).where(Circle.team_id == team_id)))


def seats_of(team_id: int | None, window: Window) -> Query:
    """The seats of those sessions (what the seats sheet counts)."""
    held = sessions(team_id, window).with_only_columns(CircleSession.id)
    return select(Seat.session_id).where(Seat.session_id.in_(held))


def bulletins(audience: str | None, window: Window) -> Query:
    query = select(Bulletin.id, Bulletin.author_id, Bulletin.audience, Bulletin.send_at, Bulletin.text).where(
        *_within(Bulletin.send_at, *window)
    )
    return query if audience is None else query.where(Bulletin.audience == audience)


def observations(team_id: int | None, window: Window) -> Query:
    """Sent observations, sent within the window, of people of the team."""
    return select(
        Observation.id,
        Observation.checklist_id,
        Observation.person_id,
        Observation.observer_id,
        Observation.team_id,
        Observation.sent_at,
        Observation.scores,
        Observation.notes,
        Observation.strengths,
        Observation.growth,
        Observation.next_step,
        Observation.next_on,
        Observation.replied_at,
        Observation.tried,
        Observation.follow_up,
    ).where(
        Observation.sent_at.is_not(None),
        *_within(Observation.sent_at, *window),
        *_of_team(Observation.person_id, team_id),
    )


def kept(kinds: Iterable[str], team_id: int | None, window: tuple[date | None, date | None]) -> Query:
    query = select(
        KeptRecord.id,
        KeptRecord.kind,
        KeptRecord.pseudonym,
        KeptRecord.team_id,
        KeptRecord.source,
        KeptRecord.item,
        KeptRecord.day,
        KeptRecord.value,
    ).where(KeptRecord.kind.in_(list(kinds)), *_within(KeptRecord.day, *window))
    return query if team_id is None else query.where(KeptRecord.team_id == team_id)


def kept_together(
    kinds: Iterable[str], team_id: int | None, window: tuple[date | None, date | None]
) -> Query:
    """One row per group of records kept together (a check-in's scores): what a sheet counts."""
    columns = (KeptRecord.kind, KeptRecord.pseudonym, KeptRecord.source, KeptRecord.day)
    return kept(kinds, team_id, window).with_only_columns(*columns).distinct()


class DumpRepository(Repository):
    async def page(self, query: Query, key: Any, after: int, limit: int) -> Sequence[Any]:
        """The next `limit` rows of `query` after `after` in `key`'s order (keyset paging)."""
        connection = await self.session.connection()
        result = await connection.execute(query.where(key > after).order_by(key).limit(limit))
        return list(result.mappings())

    async def all(self, query: Query) -> Sequence[Any]:
        """Every row of a small query (people, teams, circles)."""
        connection = await self.session.connection()
        return list((await connection.execute(query)).mappings())

    async def count(self, query: Query) -> int:
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        return int(await self.session.scalar(counted) or 0)

    async def teams(self) -> dict[int, str]:
        return {team_id: name for team_id, name in await self.session.execute(select(Team.id, Team.name))}

    async def roles(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        query = select(PersonRole.person_id, PersonRole.role).order_by(PersonRole.role)
        for person_id, role in await self.session.execute(query):
            found.setdefault(person_id, []).append(role)
        return found

    async def answers(self, run_ids: Iterable[int]) -> list[tuple[int, str, Any]]:
        """(run, step, value) in the order given: after /back, the later answer comes last."""
        query = select(Answer.run_id, Answer.step_id, Answer.value).where(Answer.run_id.in_(list(run_ids)))
        connection = await self.session.connection()
        return [tuple(row) for row in await connection.execute(query.order_by(Answer.id))]

    async def projects(self, project_ids: Iterable[int]) -> list[Project]:
        query = select(Project).where(Project.id.in_(list(project_ids))).order_by(Project.id)
        return list(await self.session.scalars(query))

    async def seats(self, session_ids: Iterable[int]) -> list[Any]:
        query = select(Seat.session_id, Seat.person_id, Seat.rsvp, Seat.took_part, Seat.rating, Seat.comment)
        query = query.where(Seat.session_id.in_(list(session_ids))).order_by(Seat.session_id, Seat.person_id)
        connection = await self.session.connection()
        return list((await connection.execute(query)).mappings())
