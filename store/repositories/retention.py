"""What retention reads and changes (services/privacy/retention.py says when and why): each kind
has `<kind>_due(before)` (how many items, the oldest clock start: the report) and a batch
method that treats at most `limit` items. Every read is bounded by an indexed moment or by the
rows still left to treat, so a pass with nothing to do is cheap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    false,
    func,
    not_,
    or_,
    select,
    union_all,
    update,
)

from flows.run import RunStatus
from store.bookkeeping import ProcessedUpdate
from store.disclosure_log import DisclosureEntry
from store.kept import KeptRecord
from store.models import (
    Answer,
    Bulletin,
    CircleSession,
    Contribution,
    Cycle,
    DataPoint,
    FlowRun,
    Note,
    OutboxMessage,
    Person,
    Project,
    Seat,
)
from store.observations import Observation
from store.repositories.base import Repository
from store.statuses import ON_ITS_WAY, OutboxStatus

Due = tuple[int, datetime | None]  # how many, the oldest clock start among them
Steps = Mapping[str, frozenset[str]]  # by flow id: the steps whose answers are scores
_outbox_start = case(
    (OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at), else_=OutboxMessage.created_at
)


def scores(steps: Steps) -> ColumnElement[bool]:
    """An answer is a score: a step the content names as one (any other, free text)."""
    named = [and_(Answer.flow_id == flow, Answer.step_id.in_(ids)) for flow, ids in steps.items() if ids]
    return or_(false(), *named)


class RetentionRepository(Repository):
    async def _due(self, query: Any) -> Due:
        count, oldest = (await self.session.execute(query)).one()
        return int(count), oldest

    # outbox payloads ------------------------------------------------------------------------

    def _outbox_old(self, before: datetime) -> ColumnElement[bool]:
        """Finished rows not yet redacted whose clock started before `before` (a row is queued
        before it is sent, so `created_at` bounds the index's range)."""
        return and_(
            OutboxMessage.redacted_at.is_(None),
            OutboxMessage.created_at < before,
            OutboxMessage.status.not_in(ON_ITS_WAY),
            _outbox_start < before,
        )

    def _bulletins_old(self, before: datetime) -> ColumnElement[bool]:
        """Bulletins whose time is past `before`, their text not yet blanked, none of whose
        messages is still on its way (the text is read only when they are queued)."""
        going = select(OutboxMessage.id).where(
            OutboxMessage.bulletin_id == Bulletin.id, OutboxMessage.status.in_(ON_ITS_WAY)
        )
        return and_(Bulletin.send_at < before, Bulletin.text != "", ~going.exists())

    async def outbox_due(self, before: datetime) -> Due:
        """Messages, and the bulletins' own copies of their text."""
        rows = await self._due(select(func.count(), func.min(_outbox_start)).where(self._outbox_old(before)))
        texts = await self._due(
            select(func.count(), func.min(Bulletin.send_at)).where(self._bulletins_old(before))
        )
        moments = [moment for moment in (rows[1], texts[1]) if moment is not None]
        return rows[0] + texts[0], min(moments, default=None)

    async def redact_outbox(self, before: datetime, now: datetime, limit: int) -> int:
        """Each row keeps only its method: its words, files and buttons go; then a bulletin's
        own text. How many rows and bulletins (at most `limit`)."""
        query = select(OutboxMessage.id, OutboxMessage.payload).where(self._outbox_old(before)).limit(limit)
        rows = [
            {"row": row_id, "kept": {"method": p.get("method")} if p else {}}
            for row_id, p in await self.session.execute(query)
        ]
        if rows:
            statement = (
                update(OutboxMessage.__table__)  # type: ignore[arg-type]
                .where(OutboxMessage.__table__.c.id == bindparam("row"))
                .values(payload=bindparam("kept"), redacted_at=now)
            )
            await (await self.session.connection()).execute(statement, rows)
        bulletins = select(Bulletin.id).where(self._bulletins_old(before)).limit(limit - len(rows))
        ids = list(await self.session.scalars(bulletins)) if len(rows) < limit else []
        if ids:
            await self.session.execute(
                update(Bulletin)
                .where(Bulletin.id.in_(ids))
                .values(text="")
                .execution_options(synchronize_session=False)
            )
        return len(rows) + len(ids)

    # free-text answers ----------------------------------------------------------------------

    def _ended(self, before: datetime, after: tuple[datetime, int] | None) -> ColumnElement[bool]:
        """Runs ended before `before`, past the mark `after` (finished at, id) of those treated."""
        ended = and_(FlowRun.finished_at.is_not(None), FlowRun.finished_at < before)
        if after is None:
            return ended
        at, run_id = after
        return and_(
            ended, or_(FlowRun.finished_at > at, and_(FlowRun.finished_at == at, FlowRun.id > run_id))
        )

    async def ended_runs_due(self, before: datetime, after: tuple[datetime, int] | None) -> Due:
        return await self._due(
            select(func.count(), func.min(FlowRun.finished_at)).where(self._ended(before, after))
        )

    async def ended_runs(
        self, before: datetime, after: tuple[datetime, int] | None, limit: int
    ) -> list[FlowRun]:
        """The next runs whose free text is past its limit, in the order of their end."""
        query = select(FlowRun).where(self._ended(before, after)).order_by(FlowRun.finished_at, FlowRun.id)
        return list(await self.session.scalars(query.limit(limit)))

    async def drop_free_text(self, run_ids: Sequence[int], steps: Steps) -> int:
        """These runs' answers that are not scores; how many went."""
        statement = delete(Answer).where(Answer.run_id.in_(run_ids), not_(scores(steps)))
        return int((await self.session.execute(statement)).rowcount)  # type: ignore[attr-defined]

    # check-in scores ------------------------------------------------------------------------

    def _old_scores(self, before: datetime, steps: Steps) -> ColumnElement[bool]:
        ended = select(FlowRun.id).where(FlowRun.id == Answer.run_id, FlowRun.finished_at.is_not(None))
        return and_(Answer.answered_at < before, scores(steps), ended.exists())

    async def scores_due(self, before: datetime, steps: Steps) -> Due:
        return await self._due(
            select(func.count(), func.min(Answer.answered_at)).where(self._old_scores(before, steps))
        )

    async def old_scores(self, before: datetime, steps: Steps, limit: int) -> list[Answer]:
        query = select(Answer).where(self._old_scores(before, steps)).order_by(Answer.answered_at, Answer.id)
        return list(await self.session.scalars(query.limit(limit)))

    async def people(self, person_ids: Iterable[int]) -> dict[int, tuple[bool, int | None]]:
        """(erased, team) of each of these people."""
        query = select(Person.id, Person.erased_at, Person.team_id).where(Person.id.in_(list(person_ids)))
        return {pid: (erased is not None, team) for pid, erased, team in await self.session.execute(query)}

    async def keep(self, records: Sequence[Mapping[str, Any]]) -> None:
        if records:
            connection = await self.session.connection()
            await connection.execute(KeptRecord.__table__.insert(), records)  # type: ignore[attr-defined]

    async def drop_answers(self, answer_ids: Sequence[int]) -> None:
        await self.session.execute(delete(Answer).where(Answer.id.in_(answer_ids)))

    async def drop_empty_runs(self, run_ids: Iterable[int]) -> None:
        """Of these ended runs, those with no answer left go (their state held only answers)."""
        left = select(Answer.id).where(Answer.run_id == FlowRun.id)
        await self.session.execute(
            delete(FlowRun)
            .where(FlowRun.id.in_(list(run_ids)), FlowRun.status != RunStatus.ACTIVE, ~left.exists())
            .execution_options(synchronize_session=False)
        )

    # circles --------------------------------------------------------------------------------

    def _quiet_circles(self, before: datetime) -> Any:
        """(circle, last session) of circles quiet since before `before` that still hold words."""
        last = func.max(func.coalesce(CircleSession.ended_at, CircleSession.starts_at))
        said = select(Contribution.id).where(Contribution.session_id == CircleSession.id)
        commented = select(Seat.session_id).where(
            Seat.session_id == CircleSession.id, Seat.comment.is_not(None)
        )
        holds = or_(said.exists(), commented.exists(), cast(CircleSession.votes, String) != "{}")
        holding = select(CircleSession.circle_id).where(holds)
        return (
            select(CircleSession.circle_id, last.label("last"))
            .where(CircleSession.circle_id.in_(holding))
            .group_by(CircleSession.circle_id)
            .having(last < before)
        )

    async def circles_due(self, before: datetime) -> Due:
        quiet = self._quiet_circles(before).subquery()
        return await self._due(select(func.count(), func.min(quiet.c.last)))

    async def quiet_circles(self, before: datetime, limit: int) -> list[int]:
        quiet = self._quiet_circles(before).subquery()
        return list(await self.session.scalars(select(quiet.c.circle_id).order_by(quiet.c.last).limit(limit)))

    async def empty_circle(self, circle_id: int) -> None:
        """Its contributions go, its sessions' votes and its seats' comments are emptied."""
        sessions = select(CircleSession.id).where(CircleSession.circle_id == circle_id)
        await self.session.execute(delete(Contribution).where(Contribution.session_id.in_(sessions)))
        await self.session.execute(update(Seat).where(Seat.session_id.in_(sessions)).values(comment=None))
        await self.session.execute(
            update(CircleSession)
            .where(CircleSession.circle_id == circle_id)
            .values(votes={})
            .execution_options(synchronize_session=False)
        )

    # observations ---------------------------------------------------------------------------

    def _observation_words(self, before: datetime) -> ColumnElement[bool]:
        """Sent before `before` with their words not yet blanked, or started before it and never
        sent."""
        return or_(
            and_(Observation.sent_at < before, Observation.texts_redacted_at.is_(None)),
            and_(Observation.sent_at.is_(None), Observation.started_at < before),
        )

    async def observation_texts_due(self, before: datetime) -> Due:
        start = func.coalesce(Observation.sent_at, Observation.started_at)
        return await self._due(select(func.count(), func.min(start)).where(self._observation_words(before)))

    async def observation_texts(self, before: datetime, limit: int) -> list[tuple[int, bool]]:
        """(id, sent) of the next observations whose words are past their limit."""
        start = func.coalesce(Observation.sent_at, Observation.started_at)
        query = select(Observation.id, Observation.sent_at.is_not(None))
        query = query.where(self._observation_words(before)).order_by(start, Observation.id)
        found = await self.session.execute(query.limit(limit))
        return [(observation_id, bool(sent)) for observation_id, sent in found]

    async def blank_observations(self, observation_ids: Sequence[int], now: datetime) -> None:
        """Their words go (the observer's and hers); scores, dates and whether she tried stay."""
        await self.session.execute(
            update(Observation)
            .where(Observation.id.in_(observation_ids))
            .values(
                notes={},
                strengths=[],
                growth=None,
                next_step=None,
                reply=None,
                follow_up=None,
                paused=None,
                texts_redacted_at=now,
            )
            .execution_options(synchronize_session=False)
        )

    async def observation_scores_due(self, before: datetime) -> Due:
        sent = Observation.sent_at
        return await self._due(select(func.count(), func.min(sent)).where(sent < before))

    async def old_observations(self, before: datetime, limit: int) -> list[Observation]:
        """The next observations sent before `before`, oldest first."""
        query = select(Observation).where(Observation.sent_at < before)
        query = query.order_by(Observation.sent_at, Observation.id).limit(limit)
        return list(await self.session.scalars(query))

    # the disclosure log and update ids (removed by their own repositories' `prune`) --------

    async def disclosures_due(self, before: datetime) -> Due:
        logged = DisclosureEntry.logged_at
        return await self._due(select(func.count(), func.min(logged)).where(logged < before))

    async def updates_due(self, before: datetime) -> Due:
        handled = ProcessedUpdate.processed_at
        return await self._due(select(func.count(), func.min(handled)).where(handled < before))

    # PDSA projects --------------------------------------------------------------------------

    def _quiet_projects(self, before: datetime) -> Any:
        """(project, last activity) of projects with no activity since `before`."""
        moments = union_all(
            select(Project.id.label("project"), Project.created_at.label("at")),
            *(
                select(Cycle.project_id, moment)
                for moment in (Cycle.created_at, Cycle.started_at, Cycle.finished_at)
            ),
            select(DataPoint.project_id, DataPoint.logged_at),
            select(Note.project_id, Note.created_at),
        ).subquery()
        last = func.max(moments.c.at)
        return select(moments.c.project, last.label("last")).group_by(moments.c.project).having(last < before)

    async def projects_due(self, before: datetime) -> Due:
        quiet = self._quiet_projects(before).subquery()
        return await self._due(select(func.count(), func.min(quiet.c.last)))

    async def quiet_projects(self, before: datetime, limit: int) -> list[Project]:
        quiet = self._quiet_projects(before).subquery()
        ids = select(quiet.c.project).order_by(quiet.c.last).limit(limit)
        return list(
            await self.session.scalars(select(Project).where(Project.id.in_(ids)).order_by(Project.id))
        )

    async def project_numbers(self, project_id: int) -> tuple[list[Cycle], list[DataPoint]]:
        cycles = select(Cycle).where(Cycle.project_id == project_id).order_by(Cycle.number)
        points = (
            select(DataPoint).where(DataPoint.project_id == project_id).order_by(DataPoint.day, DataPoint.id)
        )
        return list(await self.session.scalars(cycles)), list(await self.session.scalars(points))

    async def drop_project(self, project_id: int) -> None:
        """The project and, by its keys, its cycles, points, notes and charts; no one's pointer."""
        await self.session.execute(
            update(Person)
            .where(Person.project_id == project_id)
            .values(project_id=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(delete(Project).where(Project.id == project_id))
