"""The small repository API: the only place that speaks SQL. Repositories never commit (the
unit of work does) and never read the clock (callers pass `now`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from functools import cache
from typing import Any

from sqlalchemy import CursorResult, Insert, Table, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from store.models import (
    Answer,
    Base,
    BotSetting,
    Bulletin,
    ChartRequest,
    Circle,
    CircleMember,
    CircleSession,
    ClockFailure,
    Contribution,
    Cycle,
    DataPoint,
    FlowRun,
    Invite,
    Note,
    Occurrence,
    OutboxMessage,
    Person,
    PersonRole,
    Photo,
    ProcessedUpdate,
    Project,
    ScheduleMark,
    Seat,
    Share,
    Team,
    WaitingPrompt,
)


def busy(person_id: Any, now: datetime) -> Any:
    """The person is in a conversation at `now`: a flow run going, or a prompt not lapsed."""
    running = select(FlowRun.id).where(FlowRun.person_id == person_id, FlowRun.status == "active")
    prompting = select(Person.id).where(
        Person.id == person_id, Person.awaiting.is_not(None), Person.prompt_lapses_at > now
    )
    return or_(running.exists(), prompting.exists())


@cache
def _prepared_insert(dialect: str, table: Table, returning: str | None, if_absent: bool) -> Insert:
    """An INSERT (optionally ON CONFLICT DO NOTHING, on either engine), built once: a statement
    used again skips SQLAlchemy's per-statement cache-key work, a large part of every reply's cost."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table)
    if if_absent:
        statement = statement.on_conflict_do_nothing()
    return statement if returning is None else statement.returning(table.c[returning])  # type: ignore[no-any-return]


@cache
def _took_part(dialect: str) -> Insert:
    """A seat marked as taken part: made if absent, else updated (built once per engine)."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    table: Table = Seat.__table__  # type: ignore[assignment]
    values = {"session_id": bindparam("session_id"), "person_id": bindparam("person_id"), "took_part": True}
    statement = module.insert(table).values(values)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=["session_id", "person_id"], set_={"took_part": True}
    )


# The lookups every update makes, built once (see _prepared_insert).
_PERSON_BY_TELEGRAM_ID = select(Person).where(Person.telegram_id == bindparam("telegram_id"))
_ACTIVE_RUN = (
    select(FlowRun)
    .where(FlowRun.person_id == bindparam("person_id"), FlowRun.status == "active")
    .order_by(FlowRun.id.desc())
    .limit(1)
)
_CIRCLE_AND_RUNNING = (  # every message in a circle's group asks this
    select(Circle, CircleSession)
    .outerjoin(
        CircleSession,
        (CircleSession.circle_id == Circle.id) & CircleSession.status.in_(("open", "paused")),
    )
    .where(Circle.chat_id == bindparam("chat_id"))
)
_RUN_FIELDS = ("state", "step_id", "status", "updated_at", "expires_at", "finished_at")
_SAVE_RUN = (
    update(FlowRun.__table__)  # type: ignore[arg-type]
    .where(FlowRun.__table__.c.id == bindparam("run_id"))
    .values({field: bindparam(field) for field in _RUN_FIELDS})
)


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _insert_core(
        self, model: type[Base], values: dict[str, Any], returning: str | None = None, if_absent: bool = True
    ) -> CursorResult[Any]:
        """Insert one row through Core, skipping the ORM's flush machinery: for the rows written
        on every update (their ORM objects are never needed in that unit of work)."""
        connection = await self.session.connection()
        table: Table = model.__table__  # type: ignore[assignment]
        statement = _prepared_insert(connection.dialect.name, table, returning, if_absent)
        return await connection.execute(statement, values)


class PeopleRepository(Repository):
    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def get_by_telegram_id(self, telegram_id: int) -> Person | None:
        return await self.session.scalar(_PERSON_BY_TELEGRAM_ID, {"telegram_id": telegram_id})

    async def add(
        self,
        telegram_id: int,
        name: str,
        now: datetime,
        *,
        username: str | None = None,
        language: str | None = None,
        roles: Iterable[str] = (),
        team_id: int | None = None,
    ) -> Person:
        person = Person(
            telegram_id=telegram_id,
            name=name,
            username=username,
            language=language,
            team_id=team_id,
            created_at=now,
            roles=[PersonRole(role=role) for role in sorted(set(roles))],
        )
        self.session.add(person)
        await self.session.flush()
        return person

    async def all(self, team_id: int | None = None, role: str | None = None) -> list[Person]:
        query = select(Person).order_by(Person.name, Person.id)
        if team_id is not None:
            query = query.where(Person.team_id == team_id)
        if role is not None:
            holds = select(PersonRole.person_id).where(
                PersonRole.person_id == Person.id, PersonRole.role == role
            )
            query = query.where(holds.exists())
        return list((await self.session.scalars(query)).unique())  # roles are joined in

    async def of_teams(self, team_ids: Iterable[int]) -> list[Person]:
        query = select(Person).where(Person.team_id.in_(list(team_ids))).order_by(Person.name, Person.id)
        return list((await self.session.scalars(query)).unique())

    async def many(self, person_ids: Iterable[int]) -> dict[int, Person]:
        query = select(Person).where(Person.id.in_(list(person_ids)))
        return {person.id: person for person in (await self.session.scalars(query)).unique()}

    async def timezones(self) -> set[str | None]:
        """The timezones people have set (None: the program's)."""
        return set(await self.session.scalars(select(Person.timezone).distinct()))

    async def summary_slots(self) -> set[tuple[str | None, int, time]]:
        """(timezone, day, time) of the summaries supervisors set for themselves."""
        query = (
            select(Person.timezone, Person.summary_day, Person.summary_time)
            .where(Person.summary_day.is_not(None), Person.summary_time.is_not(None))
            .distinct()
        )
        return {
            (zone, day, at) for zone, day, at in await self.session.execute(query) if day is not None and at
        }

    async def set_deactivated(self, person: Person, value: bool) -> None:
        person.deactivated = value
        await self.session.flush()

    async def move(self, person: Person, team: Team) -> None:
        person.team_id = team.id
        await self.session.flush()

    async def add_role(self, person: Person, role: str) -> bool:
        if role in person.role_names:
            return False
        person.roles.append(PersonRole(role=role))
        await self.session.flush()
        return True


class TeamRepository(Repository):
    async def get(self, team_id: int) -> Team | None:
        return await self.session.get(Team, team_id)

    async def get_by_name(self, name: str) -> Team | None:
        return await self.session.scalar(select(Team).where(Team.name == name))

    async def get_or_create(self, name: str, now: datetime) -> tuple[Team, bool]:
        team = await self.get_by_name(name)
        if team is not None:
            return team, False
        team = Team(name=name, created_at=now)
        self.session.add(team)
        await self.session.flush()
        return team, True

    async def all(self) -> list[Team]:
        return list(await self.session.scalars(select(Team).order_by(Team.name)))

    async def supervised_by(self, person_id: int) -> Team | None:
        return await self.session.scalar(select(Team).where(Team.supervisor_id == person_id).limit(1))

    async def supervised_by_many(self, person_ids: Iterable[int]) -> dict[int, Team]:
        """The team each of these people supervises, by supervisor."""
        query = select(Team).where(Team.supervisor_id.in_(list(person_ids)))
        return {team.supervisor_id: team for team in await self.session.scalars(query) if team.supervisor_id}


class InviteRepository(Repository):
    async def add(
        self,
        code: str,
        role: str,
        team_id: int | None,
        max_uses: int,
        expires_at: datetime,
        now: datetime,
        created_by: int | None = None,
        circle_id: int | None = None,
    ) -> Invite:
        invite = Invite(
            code=code,
            role=role,
            team_id=team_id,
            max_uses=max_uses,
            expires_at=expires_at,
            created_at=now,
            created_by=created_by,
            circle_id=circle_id,
        )
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def get(self, code: str) -> Invite | None:
        return await self.session.get(Invite, code)

    @staticmethod
    def _usable(now: datetime) -> Any:
        return (
            Invite.revoked_at.is_(None),
            Invite.uses < Invite.max_uses,
            Invite.expires_at > now,
        )

    async def all(self, now: datetime, include_inactive: bool = False) -> list[Invite]:
        query = select(Invite).order_by(Invite.created_at, Invite.code)
        if not include_inactive:
            query = query.where(*self._usable(now))
        return list(await self.session.scalars(query))

    async def revoke(self, code: str, now: datetime) -> bool:
        statement = (
            update(Invite).where(Invite.code == code, Invite.revoked_at.is_(None)).values(revoked_at=now)
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount == 1

    async def redeem(self, code: str, now: datetime) -> Invite | None:
        """Use up one use, atomically: of two people racing for a single-use code, one wins."""
        statement = (
            update(Invite)
            .where(Invite.code == code, *self._usable(now))
            .values(uses=Invite.uses + 1)
            .execution_options(synchronize_session=False)
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        if result.rowcount != 1:
            return None
        invite = await self.session.get(Invite, code, populate_existing=True)
        return invite

    async def pending_supervisor_invite(self, team_id: int, now: datetime) -> Invite | None:
        query = select(Invite).where(
            Invite.team_id == team_id, Invite.role == "supervisor", *self._usable(now)
        )
        return await self.session.scalar(query.limit(1))


class RunRepository(Repository):
    async def add(
        self,
        person_id: int,
        flow_id: str,
        state: dict[str, Any],
        step_id: str | None,
        status: str,
        now: datetime,
        expires_at: datetime | None,
    ) -> FlowRun:
        run = FlowRun(
            person_id=person_id,
            flow_id=flow_id,
            state=state,
            step_id=step_id,
            status=status,
            started_at=now,
            updated_at=now,
            expires_at=expires_at,
        )
        self.session.add(run)
        await self.session.flush()
        return run

    async def get(self, run_id: int) -> FlowRun | None:
        return await self.session.get(FlowRun, run_id)

    async def many(self, run_ids: Iterable[int]) -> dict[int, FlowRun]:
        query = select(FlowRun).where(FlowRun.id.in_(list(run_ids)))
        return {run.id: run for run in await self.session.scalars(query)}

    async def active_for(self, person_id: int) -> FlowRun | None:
        return await self.session.scalar(_ACTIVE_RUN, {"person_id": person_id})

    async def completed_since(self, person_id: int, flow_id: str, since: datetime) -> bool:
        query = select(FlowRun.id).where(
            FlowRun.person_id == person_id,
            FlowRun.flow_id == flow_id,
            FlowRun.status == "completed",
            FlowRun.finished_at >= since,
        )
        return await self.session.scalar(query.limit(1)) is not None

    async def busy_with(self, person_ids: Iterable[int], flow_ids: Iterable[str] | None = None) -> set[int]:
        """Who of these people has one of these flows (None: any flow) going."""
        query = select(FlowRun.person_id).where(
            FlowRun.person_id.in_(list(person_ids)), FlowRun.status == "active"
        )
        if flow_ids is not None:
            query = query.where(FlowRun.flow_id.in_(list(flow_ids)))
        return set(await self.session.scalars(query))

    async def timed_out(self, now: datetime, limit: int) -> list[FlowRun]:
        """Active runs whose time is up: the clock expires them."""
        query = (
            select(FlowRun)
            .where(FlowRun.status == "active", FlowRun.expires_at <= now)
            .order_by(FlowRun.expires_at, FlowRun.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_expiry(self) -> datetime | None:
        query = select(func.min(FlowRun.expires_at)).where(FlowRun.status == "active")
        return await self.session.scalar(query)

    async def recent_completed(self, person_id: int, flow_id: str, limit: int) -> list[FlowRun]:
        """Her last completed runs of a flow, oldest first."""
        query = (
            select(FlowRun)
            .where(FlowRun.person_id == person_id, FlowRun.flow_id == flow_id, FlowRun.status == "completed")
            .order_by(FlowRun.id.desc())
            .limit(limit)
        )
        return list(reversed(list(await self.session.scalars(query))))

    async def save(
        self,
        run: FlowRun,
        *,
        state: dict[str, Any],
        step_id: str | None,
        status: str,
        now: datetime,
        expires_at: datetime | None,
        finished_at: datetime | None = None,
    ) -> None:
        """Written at once through Core (every update saves its run); the object is updated to
        match without becoming dirty, so the commit has no ORM flush to do for it."""
        values = {
            "state": state,
            "step_id": step_id,
            "status": status,
            "updated_at": now,
            "expires_at": expires_at,
            "finished_at": finished_at,
        }
        connection = await self.session.connection()
        await connection.execute(_SAVE_RUN, {"run_id": run.id, **values})
        for field, value in values.items():
            set_committed_value(run, field, value)


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


class AnswerRepository(Repository):
    async def add(self, run: FlowRun, step_id: str, value: Any, tags: dict[str, str], now: datetime) -> None:
        values = {
            "run_id": run.id,
            "person_id": run.person_id,
            "flow_id": run.flow_id,
            "step_id": step_id,
            "value": value,
            "tags": tags,
            "answered_at": now,
        }
        await self._insert_core(Answer, values, if_absent=False)

    async def for_runs(self, run_ids: Iterable[int]) -> list[Answer]:
        query = select(Answer).where(Answer.run_id.in_(list(run_ids))).order_by(Answer.id)
        return list(await self.session.scalars(query))

    async def of_completed_runs(
        self, person_ids: Iterable[int], flow_ids: Iterable[str], step_ids: Iterable[str], since: datetime
    ) -> list[tuple[int, int, str, datetime, str, Any]]:
        """(person, run, flow, finished at, step, value) for these steps of runs of these flows
        completed since `since`, in the order given (the latest answer to a step comes last).
        Read through Core: a summary reads hundreds of these, and builds no objects from them."""
        query = (
            select(
                Answer.person_id,
                Answer.run_id,
                Answer.flow_id,
                FlowRun.finished_at,
                Answer.step_id,
                Answer.value,
            )
            .select_from(FlowRun)
            .join(Answer, Answer.run_id == FlowRun.id)
            .where(
                FlowRun.person_id.in_(list(person_ids)),
                FlowRun.flow_id.in_(list(flow_ids)),
                FlowRun.status == "completed",
                FlowRun.finished_at >= since,
                Answer.step_id.in_(list(step_ids)),
            )
            .order_by(Answer.id)
        )
        connection = await self.session.connection()
        return [tuple(row) for row in await connection.execute(query)]

    async def for_run(self, run_id: int) -> list[Answer]:
        query = select(Answer).where(Answer.run_id == run_id).order_by(Answer.id)
        return list(await self.session.scalars(query))


class UpdateRepository(Repository):
    async def mark_processed(self, update_id: int, now: datetime) -> bool:
        """True the first time an update id is seen; False for a duplicate, even in a race."""
        result = await self._insert_core(ProcessedUpdate, {"update_id": update_id, "processed_at": now})
        return result.rowcount == 1

    async def prune(self, before: datetime) -> int:
        statement = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount


def _outbox_values(
    key: str,
    chat_id: int,
    payload: dict[str, Any],
    now: datetime,
    person_id: int | None,
    priority: int,
    not_before: datetime | None,
    claimed_until: datetime | None,
    bulletin_id: int | None,
) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "chat_id": chat_id,
        "person_id": person_id,
        "payload": payload,
        "priority": priority,
        "status": "pending" if claimed_until is None else "sending",
        "claimed_until": claimed_until,
        "not_before": not_before or now,
        "attempts": 0,
        "created_at": now,
        "bulletin_id": bulletin_id,
    }


class OutboxRepository(Repository):
    async def enqueue(
        self,
        idempotency_key: str,
        chat_id: int,
        payload: dict[str, Any],
        now: datetime,
        *,
        person_id: int | None = None,
        priority: int = 1,
        not_before: datetime | None = None,
        claimed_until: datetime | None = None,
        bulletin_id: int | None = None,
    ) -> int | None:
        """Queue a message once; its id, or None when the key was queued before (nothing changes).
        With `claimed_until` the caller claims it for sending right after the commit."""
        values = _outbox_values(
            idempotency_key,
            chat_id,
            payload,
            now,
            person_id,
            priority,
            not_before,
            claimed_until,
            bulletin_id,
        )
        result = await self._insert_core(OutboxMessage, values, returning="id")
        return result.scalar()

    async def enqueue_bulk(
        self,
        bulletin_id: int,
        messages: Iterable[tuple[str, int, int, dict[str, Any]]],
        not_before: datetime,
        now: datetime,
    ) -> None:
        """Queue a bulletin's messages, (key, chat, person, payload) each, in one executemany;
        keys queued before are skipped."""
        rows = [
            _outbox_values(key, chat_id, payload, now, person_id, 1, not_before, None, bulletin_id)
            for key, chat_id, person_id, payload in messages
        ]
        if rows:
            connection = await self.session.connection()
            table: Table = OutboxMessage.__table__  # type: ignore[assignment]
            await connection.execute(_prepared_insert(connection.dialect.name, table, None, True), rows)

    async def bulletin_tally(self, bulletin_id: int) -> list[tuple[str, str | None, int]]:
        """(status, last error, how many) over a bulletin's messages."""
        query = (
            select(OutboxMessage.status, OutboxMessage.last_error, func.count())
            .where(OutboxMessage.bulletin_id == bulletin_id)
            .group_by(OutboxMessage.status, OutboxMessage.last_error)
        )
        return [(status, error, count) for status, error, count in await self.session.execute(query)]

    async def get_many(self, ids: Iterable[int]) -> list[OutboxMessage]:
        query = select(OutboxMessage).where(OutboxMessage.id.in_(list(ids))).order_by(OutboxMessage.id)
        return list(await self.session.scalars(query))

    async def mark_sent(self, sent: dict[int, int | None], now: datetime) -> None:
        """Rows Telegram took: outbox id -> the message id it gave, in one executemany."""
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id == bindparam("row"))
            .values(
                status="sent",
                sent_at=now,
                attempts=OutboxMessage.attempts + 1,
                telegram_message_id=bindparam("tg"),
            )
            .execution_options(synchronize_session=False)
        )
        rows = [{"row": outbox_id, "tg": message_id} for outbox_id, message_id in sent.items()]
        connection = await self.session.connection()
        await connection.execute(statement, rows)

    async def mark_failed(self, message: OutboxMessage, status: str, error: str) -> None:
        """`undeliverable` (the person blocked the bot) or `failed` (gave up, with the reason)."""
        message.status = status
        message.attempts += 1
        message.last_error = error
        await self.session.flush()

    async def postpone(
        self, message: OutboxMessage, until: datetime, error: str, attempted: bool = True
    ) -> None:
        """Back to pending until `until`; `attempted` counts a try towards giving up."""
        message.status = "pending"
        message.claimed_until = None
        message.not_before = until
        message.attempts += int(attempted)
        message.last_error = error
        await self.session.flush()

    @staticmethod
    def _sendable(now: datetime) -> Any:
        """Pending and due, or claimed by a sender whose claim ran out (it crashed)."""
        waiting = (OutboxMessage.status == "pending") & (OutboxMessage.not_before <= now)
        stranded = (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now)
        return waiting | stranded

    async def due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        query = (
            select(OutboxMessage)
            .where(self._sendable(now))
            .order_by(OutboxMessage.priority, OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def claim(self, ids: Iterable[int], now: datetime, until: datetime) -> list[int]:
        """Take these rows for sending until `until`; only one sender wins each row."""
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)), self._sendable(now))
            .values(status="sending", claimed_until=until)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(await self.session.scalars(statement))


class BulletinRepository(Repository):
    async def add(self, bulletin: Bulletin) -> Bulletin:
        self.session.add(bulletin)
        await self.session.flush()
        return bulletin

    async def get(self, bulletin_id: int) -> Bulletin | None:
        return await self.session.get(Bulletin, bulletin_id)

    async def settled_unreported(self, now: datetime) -> list[Bulletin]:
        """Bulletins with an author waiting for the delivery report, none of whose messages is
        still on its way."""
        unsettled = select(OutboxMessage.id).where(
            OutboxMessage.bulletin_id == Bulletin.id, OutboxMessage.status.in_(("pending", "sending"))
        )
        query = select(Bulletin).where(
            Bulletin.author_id.is_not(None),
            Bulletin.reported_at.is_(None),
            Bulletin.send_at <= now,
            ~unsettled.exists(),
        )
        return list(await self.session.scalars(query.order_by(Bulletin.id)))


class OccurrenceRepository(Repository):
    """Schedules' occurrences, and how far each schedule has been looked at."""

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
            await connection.execute(_prepared_insert(connection.dialect.name, table, None, True), rows)

    async def get(self, occurrence_id: int) -> Occurrence | None:
        return await self.session.get(Occurrence, occurrence_id)

    async def due(self, now: datetime, limit: int) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.status == "pending", Occurrence.send_at <= now)
            .order_by(Occurrence.send_at, Occurrence.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def unblocked(self, now: datetime, limit: int) -> list[Occurrence]:
        """Waiting flows whose person is in no conversation any more."""
        query = (
            select(Occurrence)
            .where(Occurrence.status == "waiting", ~busy(Occurrence.person_id, now))
            .order_by(Occurrence.send_at, Occurrence.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def fail_waiting(self, person_id: int) -> None:
        """Her waiting flows, set aside as failed (the clock could not start them)."""
        query = update(Occurrence).where(Occurrence.person_id == person_id, Occurrence.status == "waiting")
        await self.session.execute(query.values(status="failed", reason="error"))

    async def waiting_for(self, person_id: int) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.person_id == person_id, Occurrence.status == "waiting")
            .order_by(Occurrence.send_at, Occurrence.id)
        )
        return list(await self.session.scalars(query))

    async def reminders_due(self, now: datetime, limit: int) -> list[Occurrence]:
        query = (
            select(Occurrence)
            .where(Occurrence.status == "started", Occurrence.remind_at <= now)
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
            select(func.min(Occurrence.send_at)).where(Occurrence.status == "pending")
        )
        reminder = await self.session.scalar(
            select(func.min(Occurrence.remind_at)).where(Occurrence.status == "started")
        )
        return min((moment for moment in (pending, reminder) if moment is not None), default=None)


class PhotoRepository(Repository):
    async def add(self, now: datetime, data: bytes | None = None, file_id: str | None = None) -> Photo:
        photo = Photo(data=data, file_id=file_id, created_at=now)
        self.session.add(photo)
        await self.session.flush()
        return photo

    async def file_id(self, photo_id: int) -> str | None:
        return await self.session.scalar(select(Photo.file_id).where(Photo.id == photo_id))

    async def data(self, photo_id: int) -> bytes:
        """The bytes to upload (kept out of ordinary loads: they can be megabytes)."""
        data = await self.session.scalar(select(Photo.data).where(Photo.id == photo_id))
        return data or b""

    async def set_file_id(self, photo_id: int, file_id: str) -> None:
        """Telegram has the photo now: keep its file id, and let go of the bytes."""
        statement = update(Photo).where(Photo.id == photo_id).values(file_id=file_id, data=None)
        await self.session.execute(statement)


class SettingsRepository(Repository):
    async def get(self, key: str) -> str | None:
        setting = await self.session.get(BotSetting, key)
        return None if setting is None else setting.value

    async def set(self, key: str, value: str) -> None:
        await self.session.merge(BotSetting(key=key, value=value))
        await self.session.flush()


class ProjectRepository(Repository):
    """PDSA projects, their cycles, data points, notes and chart requests."""

    async def add(self, owner_id: int, now: datetime, **fields: Any) -> Project:
        project = Project(owner_id=owner_id, status="draft", created_at=now, **fields)
        self.session.add(project)
        await self.session.flush()
        return project

    async def get(self, project_id: int) -> Project | None:
        return await self.session.get(Project, project_id)

    async def open_to(self, person_id: int, team_id: int | None) -> list[Project]:
        """Her own projects and her team's, set up and not closed, oldest first."""
        mine = Project.owner_id == person_id
        whose = mine if team_id is None else or_(mine, Project.team_id == team_id)
        query = select(Project).where(whose, Project.status == "active").order_by(Project.id)
        return list(await self.session.scalars(query))

    async def of_run(self, run_id: int) -> tuple[Project | None, Cycle | None]:
        """The project or cycle a PDSA flow's run belongs to."""
        cycle = await self.session.scalar(select(Cycle).where(Cycle.run_id == run_id))
        if cycle is not None:
            return await self.get(cycle.project_id), cycle
        return await self.session.scalar(select(Project).where(Project.run_id == run_id)), None

    async def shared_by(self, person_ids: Iterable[int]) -> list[Project]:
        query = (
            select(Project)
            .where(Project.owner_id.in_(list(person_ids)), Project.shared, Project.status == "active")
            .order_by(Project.id)
        )
        return list(await self.session.scalars(query))

    async def all(self, owner_id: int | None = None) -> list[Project]:
        """Every set-up project (one owner's, when given), for export."""
        query = select(Project).where(Project.status != "draft").order_by(Project.id)
        if owner_id is not None:
            query = query.where(Project.owner_id == owner_id)
        return list(await self.session.scalars(query))

    # --- cycles ----------------------------------------------------------------------------

    async def add_cycle(self, project: Project, now: datetime, prefill: dict[str, Any]) -> Cycle:
        number = await self.session.scalar(
            select(func.coalesce(func.max(Cycle.number), 0)).where(Cycle.project_id == project.id)
        )
        cycle = Cycle(
            project_id=project.id, number=(number or 0) + 1, stage="plan", prefill=prefill, created_at=now
        )
        self.session.add(cycle)
        await self.session.flush()
        return cycle

    async def cycles(self, project_ids: Iterable[int]) -> list[Cycle]:
        query = (
            select(Cycle)
            .where(Cycle.project_id.in_(list(project_ids)))
            .order_by(Cycle.project_id, Cycle.number)
        )
        return list(await self.session.scalars(query))

    async def latest_cycle(self, project_id: int) -> Cycle | None:
        query = select(Cycle).where(Cycle.project_id == project_id).order_by(Cycle.number.desc()).limit(1)
        return await self.session.scalar(query)

    async def cycle(self, cycle_id: int) -> Cycle | None:
        return await self.session.get(Cycle, cycle_id)

    async def prompts_due(self, now: datetime, limit: int) -> list[Cycle]:
        """Cycles being tried whose data prompt or study time has come."""
        query = (
            select(Cycle)
            .where(Cycle.stage == "do", or_(Cycle.next_prompt_at <= now, Cycle.study_at <= now))
            .order_by(Cycle.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_due(self) -> datetime | None:
        """The earliest moment a cycle needs the clock (a data prompt, a study time), or a chart
        someone asked for (now)."""
        moments = [
            await self.session.scalar(select(func.min(Cycle.next_prompt_at)).where(Cycle.stage == "do")),
            await self.session.scalar(select(func.min(Cycle.study_at)).where(Cycle.stage == "do")),
            await self.session.scalar(
                select(func.min(ChartRequest.created_at)).where(ChartRequest.status == "pending")
            ),
        ]
        return min((moment for moment in moments if moment is not None), default=None)

    # --- data points and notes ---------------------------------------------------------------

    async def point(self, point_id: int) -> DataPoint | None:
        return await self.session.get(DataPoint, point_id)

    async def point_for(self, project_id: int, person_id: int, period: str) -> DataPoint | None:
        query = select(DataPoint).where(
            DataPoint.project_id == project_id, DataPoint.person_id == person_id, DataPoint.period == period
        )
        return await self.session.scalar(query)

    async def add_point(self, **fields: Any) -> DataPoint:
        point = DataPoint(**fields)
        self.session.add(point)
        await self.session.flush()
        return point

    async def count_points(self, project_id: int, person_id: int | None = None) -> int:
        """A project's points (one person's, when given)."""
        query = select(func.count(DataPoint.id)).where(DataPoint.project_id == project_id)
        if person_id is not None:
            query = query.where(DataPoint.person_id == person_id)
        return int(await self.session.scalar(query) or 0)

    async def points(self, project_ids: Iterable[int]) -> list[DataPoint]:
        """In time order: by day, then as logged."""
        query = (
            select(DataPoint)
            .where(DataPoint.project_id.in_(list(project_ids)))
            .order_by(DataPoint.project_id, DataPoint.day, DataPoint.logged_at, DataPoint.id)
        )
        return list(await self.session.scalars(query))

    async def add_note(self, **fields: Any) -> Note:
        note = Note(**fields)
        self.session.add(note)
        await self.session.flush()
        return note

    async def notes(self, project_ids: Iterable[int]) -> list[Note]:
        query = select(Note).where(Note.project_id.in_(list(project_ids))).order_by(Note.id)
        return list(await self.session.scalars(query))

    # --- charts ------------------------------------------------------------------------------

    async def ask_for_chart(self, project_id: int, person_id: int, purpose: str, now: datetime) -> None:
        self.session.add(
            ChartRequest(project_id=project_id, person_id=person_id, purpose=purpose, created_at=now)
        )
        await self.session.flush()

    async def charts_pending(self, limit: int) -> list[ChartRequest]:
        query = (
            select(ChartRequest)
            .where(ChartRequest.status == "pending")
            .order_by(ChartRequest.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def chart_request(self, request_id: int) -> ChartRequest | None:
        return await self.session.get(ChartRequest, request_id)


class CircleRepository(Repository):
    """Learning circles: the circles, their members, sessions, contributions and seats."""

    async def add(self, chat_id: int, facilitator_id: int, team_id: int | None, now: datetime) -> Circle:
        circle = Circle(
            chat_id=chat_id, facilitator_id=facilitator_id, team_id=team_id, status="setup", created_at=now
        )
        self.session.add(circle)
        await self.session.flush()
        return circle

    async def get(self, circle_id: int) -> Circle | None:
        return await self.session.get(Circle, circle_id)

    async def by_chat(self, chat_id: int) -> Circle | None:
        return await self.session.scalar(select(Circle).where(Circle.chat_id == chat_id))

    async def with_running(self, chat_id: int) -> tuple[Circle | None, CircleSession | None]:
        """The group's circle and its session now open or paused, in one statement."""
        found = (await self.session.execute(_CIRCLE_AND_RUNNING, {"chat_id": chat_id})).first()
        return (None, None) if found is None else (found[0], found[1])

    async def in_setup_by(self, facilitator_id: int) -> Circle | None:
        query = select(Circle).where(Circle.facilitator_id == facilitator_id, Circle.status == "setup")
        return await self.session.scalar(query.order_by(Circle.id.desc()).limit(1))

    async def membership(self, circle_id: int, person_id: int) -> CircleMember | None:
        return await self.session.get(CircleMember, (circle_id, person_id))

    async def join(self, circle_id: int, person_id: int, now: datetime) -> bool:
        """Make her a member; False when she already was one."""
        member = await self.membership(circle_id, person_id)
        if member is not None and member.left_at is None:
            return False
        if member is None:
            self.session.add(CircleMember(circle_id=circle_id, person_id=person_id, joined_at=now))
        else:
            member.joined_at, member.left_at = now, None
        await self.session.flush()
        return True

    async def members(self, circle_id: int) -> list[Person]:
        """Who is in the circle now, in the order they joined."""
        query = (
            select(Person)
            .join(CircleMember, CircleMember.person_id == Person.id)
            .where(CircleMember.circle_id == circle_id, CircleMember.left_at.is_(None))
            .order_by(CircleMember.joined_at, Person.id)
        )
        return list((await self.session.scalars(query)).unique())

    async def add_session(
        self, circle: Circle, template_id: str, starts_at: datetime, due_at: datetime, now: datetime
    ) -> CircleSession:
        number = (
            await self.session.scalar(
                select(func.coalesce(func.max(CircleSession.number), 0)).where(
                    CircleSession.circle_id == circle.id
                )
            )
            or 0
        ) + 1
        session = CircleSession(
            circle_id=circle.id,
            number=number,
            template_id=template_id,
            status="scheduled",
            starts_at=starts_at,
            due_at=due_at,
            votes={},
            uncounted={},
            created_at=now,
        )
        self.session.add(session)
        await self.session.flush()
        return session

    async def session_by_id(self, session_id: int) -> CircleSession | None:
        return await self.session.get(CircleSession, session_id)

    async def sessions_with(self, circle_id: int, statuses: Iterable[str]) -> list[CircleSession]:
        query = select(CircleSession).where(
            CircleSession.circle_id == circle_id, CircleSession.status.in_(list(statuses))
        )
        return list(await self.session.scalars(query.order_by(CircleSession.number)))

    async def last_ended(self, circle_id: int, before: int) -> CircleSession | None:
        query = select(CircleSession).where(
            CircleSession.circle_id == circle_id,
            CircleSession.status == "ended",
            CircleSession.number < before,
        )
        return await self.session.scalar(query.order_by(CircleSession.number.desc()).limit(1))

    async def due(self, now: datetime, limit: int) -> list[CircleSession]:
        query = (
            select(CircleSession)
            .where(CircleSession.due_at <= now, CircleSession.status.in_(("scheduled", "open", "ended")))
            .order_by(CircleSession.due_at)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def next_due(self) -> datetime | None:
        moments = [
            await self.session.scalar(
                select(func.min(CircleSession.due_at)).where(
                    CircleSession.status.in_(("scheduled", "open", "ended"))
                )
            ),
            await self.session.scalar(select(func.min(Contribution.follow_up_at))),
        ]
        return min((moment for moment in moments if moment is not None), default=None)

    async def add_contribution(self, **fields: Any) -> Contribution:
        contribution = Contribution(**fields)
        self.session.add(contribution)
        await self.session.flush()
        return contribution

    async def add_message(self, **fields: Any) -> None:
        """A group message as a contribution, through Core (every message in a session writes
        one); the same message twice is kept once."""
        await self._insert_core(Contribution, fields)

    async def took_part(self, session_id: int, person_id: int) -> None:
        """Mark her seat as taken part, making it if need be, in one statement."""
        connection = await self.session.connection()
        await connection.execute(
            _took_part(connection.dialect.name), {"session_id": session_id, "person_id": person_id}
        )

    async def contribution(self, contribution_id: int) -> Contribution | None:
        return await self.session.get(Contribution, contribution_id)

    async def by_message(self, session_id: int, message_id: int) -> Contribution | None:
        query = select(Contribution).where(
            Contribution.session_id == session_id, Contribution.message_id == message_id
        )
        return await self.session.scalar(query)

    async def contributions(self, session_id: int, kind: str | None = None) -> list[Contribution]:
        query = select(Contribution).where(Contribution.session_id == session_id)
        if kind is not None:
            query = query.where(Contribution.kind == kind)
        return list(await self.session.scalars(query.order_by(Contribution.id)))

    async def follow_ups_due(self, now: datetime, limit: int) -> list[Contribution]:
        query = (
            select(Contribution).where(Contribution.follow_up_at <= now).order_by(Contribution.follow_up_at)
        )
        return list(await self.session.scalars(query.limit(limit)))

    async def seat(self, session_id: int, person_id: int) -> Seat:
        """Her seat at this session, made on first use; her vote in the group and her answer in
        the private chat may make it at the same moment, so the insert skips one already there."""
        seat = await self.session.get(Seat, (session_id, person_id))
        if seat is None:
            await self._insert_core(
                Seat, {"session_id": session_id, "person_id": person_id, "took_part": False}
            )
            seat = await self.session.get(Seat, (session_id, person_id))
        assert seat is not None
        return seat

    async def seats(self, session_id: int) -> list[Seat]:
        query = select(Seat).where(Seat.session_id == session_id).order_by(Seat.person_id)
        return list(await self.session.scalars(query))

    async def attendance_since(self, person_ids: Iterable[int], since: datetime) -> list[tuple[int, bool]]:
        """(person, took part) for each session ended since `since` of a circle she was in."""
        query = (
            select(CircleMember.person_id, func.coalesce(Seat.took_part, False))
            .join(CircleSession, CircleSession.circle_id == CircleMember.circle_id)
            .outerjoin(
                Seat, (Seat.session_id == CircleSession.id) & (Seat.person_id == CircleMember.person_id)
            )
            .where(
                CircleMember.person_id.in_(list(person_ids)),
                CircleSession.status == "ended",
                CircleSession.ended_at >= since,
                CircleMember.joined_at <= CircleSession.ended_at,
            )
        )
        return [(person_id, bool(took_part)) for person_id, took_part in await self.session.execute(query)]


class WaitingPromptRepository(Repository):
    """Questions waiting in a person's queue behind her conversation (DESIGN.md rule 8)."""

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
            .where(Occurrence.person_id == Person.id, Occurrence.status == "waiting")
            .exists(),
        )
        query = select(func.min(Person.prompt_lapses_at)).where(Person.awaiting.is_not(None), waits)
        return await self.session.scalar(query)


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
