"""A person's data, read and erased by the map (store/personal.py): the SQL of `/mydata` and
`/forget` (services/privacy/)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, Table, cast, delete, or_, select, update

from store.models import Base, CircleSession, Cycle, OutboxMessage, Person, Project
from store.observations import Observation
from store.personal import HOLDINGS, By, Erasure, Holding
from store.repositories.base import Repository
from store.repositories.observations import ObservationRepository
from store.statuses import OutboxStatus

ERASED = "erased"  # an outbox row's `last_error` when erasure withheld it


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _blank(column: Column[Any]) -> object:
    """The empty value of a column that held her words."""
    if column.nullable:
        return None
    return {} if isinstance(column.type, JSON) else ""


def _strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` (JSON) with `change` applied to every string in it."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _strings(item, change) for key, item in value.items()}
    return value


class PersonalRepository(Repository):
    async def rows(self, holding: Holding, person_id: int) -> list[dict[str, Any]]:
        """The rows `holding` names her in (by her people id), every column."""
        table = _table(holding.table)
        result = await self.session.execute(select(table).where(table.c[holding.column] == person_id))
        return [dict(row) for row in result.mappings()]

    async def cycles(self, project_ids: list[int]) -> list[dict[str, Any]]:
        table = _table(Cycle.__tablename__)
        query = select(table).where(table.c.project_id.in_(project_ids)).order_by(table.c.id)
        return [dict(row) for row in (await self.session.execute(query)).mappings()]

    async def votes(self, person_id: int) -> list[tuple[int, str, Any]]:
        """(session, segment, option) of every vote keyed by her."""
        found = []
        for session in await self._voted_in(person_id):
            for key, option in session.votes.items():
                segment, _, voter = key.rpartition(":")
                if voter == str(person_id):
                    found.append((session.id, segment, option))
        return found

    async def _voted_in(self, person_id: int) -> list[CircleSession]:
        like = cast(CircleSession.votes, String).like(f'%:{person_id}"%')
        return list(await self.session.scalars(select(CircleSession).where(like)))

    async def erase(self, person: Person, now: datetime, former: str, counts: frozenset[str]) -> None:
        """Erase her, walking the map: its own rules first, the people row last. In a message to
        someone else whose disclosure is one of `counts` (a summary's scores, attendance), her name
        gives way to `former` and the numbers stay."""
        person.roles.clear()
        await self.session.flush()
        await self._projects(person.id)
        await self._votes(person.id)
        await self._observations(person.id)
        await self._outbox(person, former, counts)
        await self.session.execute(_hushes(person.telegram_id))
        for holding in HOLDINGS:
            statement = _walk(holding, person)
            if statement is not None:
                await self.session.execute(statement)
        _empty(person, now)
        await self.session.flush()

    async def _projects(self, person_id: int) -> None:
        """Her private projects go (cycles, points, notes, charts with them, by their keys); a team
        project she owns stays for the points its members logged: its measure stays (they mean
        nothing without it), her aim, ideas and cycles are blanked."""
        private = (Project.owner_id == person_id) & Project.team_id.is_(None)
        await self.session.execute(
            delete(Project).where(private).execution_options(synchronize_session=False)
        )
        owned = select(Project.id).where(Project.owner_id == person_id)
        await self.session.execute(
            update(Project)
            .where(Project.owner_id == person_id)
            .values(aim="", change_ideas=[], paused=None, shared=False)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Cycle)
            .where(Cycle.project_id.in_(owned))
            .values(plan={}, study={}, act={}, prefill={}, paused=None)
            .execution_options(synchronize_session=False)
        )

    async def _observations(self, person_id: int) -> None:
        """Observations of her go, with the observer's run still answering one; so do those she
        was making and had not sent (no one can finish them). Those she sent stay for the person
        observed, unlinked by the map's walk."""
        mine = (Observation.observer_id == person_id) & Observation.sent_at.is_(None)
        await ObservationRepository(self.session).drop((Observation.person_id == person_id) | mine)

    async def _votes(self, person_id: int) -> None:
        for session in await self._voted_in(person_id):
            session.votes = {
                key: option
                for key, option in session.votes.items()
                if key.rpartition(":")[2] != str(person_id)
            }

    async def _outbox(self, person: Person, former: str, counts: frozenset[str]) -> None:
        """Rows to her, or carrying her words or news to others: payload emptied, and withheld if
        not sent yet. Rows of counts about her (a team's summary): her name and username give way
        to `former`, and she is no longer among the people they are about."""
        about = cast(OutboxMessage.about_people, String).like(f"%{person.id}%")
        query = select(OutboxMessage).where(
            or_(OutboxMessage.person_id == person.id, OutboxMessage.chat_id == person.telegram_id, about)
        )
        names = [
            re.escape(name)
            for name in (person.name, f"@{person.username}" if person.username else "")
            if name
        ]
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(names)})(?!\w)") if names else None
        for row in await self.session.scalars(query):
            to_her = row.person_id == person.id or row.chat_id == person.telegram_id
            if not to_her and person.id not in (row.about_people or ()):
                continue  # the LIKE matched another id
            if row.chat_id == person.telegram_id:
                row.chat_id = -person.id  # (as her people row's: her Telegram id is on no row)
            if to_her or row.disclosure not in counts:
                row.payload = {}
                if row.status != OutboxStatus.SENT:  # never sent, nor sent again (`outbox retry`)
                    row.status, row.claimed_until, row.last_error = OutboxStatus.WITHHELD, None, ERASED
            elif pattern is not None:
                row.payload = _strings(row.payload, lambda text: pattern.sub(former, text))
            others = [someone for someone in row.about_people or () if someone != person.id]
            row.about_people, row.disclosure = (others, row.disclosure) if others else (None, None)


def _hushes(telegram_id: int) -> Any:
    table = _table("hushes")
    return delete(table).where(table.c.key.like(f"%:{telegram_id}"))


def _walk(holding: Holding, person: Person) -> Any:
    """The statement that erases her from `holding`'s rows (None: its own rule, or nothing to do)."""
    if holding.erasure is Erasure.OWN:
        return None
    table = _table(holding.table)
    column = table.c[holding.column]
    names_her = column == (person.telegram_id if holding.by is By.TELEGRAM else person.id)
    if holding.erasure is Erasure.DELETE:
        return delete(table).where(names_her)
    values = {text: _blank(table.c[text]) for text in holding.texts}
    if holding.erasure is Erasure.UNLINK:
        values[holding.column] = None
    return update(table).where(names_her).values(values) if values else None


def _empty(person: Person, now: datetime) -> None:
    """The people row keeps its id, so counts that point at it stay; nothing of her is left."""
    person.telegram_id = -person.id  # Telegram's user ids are positive: this is nobody's
    person.name, person.username, person.language, person.timezone = "", None, None, None
    person.consented_at = person.away_until = person.quiet_start = person.quiet_end = None
    person.summary_day = person.summary_time = person.project_id = person.team_id = None
    person.awaiting = person.prompt_lapses_at = person.pseudonym = None  # kept records name no one
    person.away_open, person.deactivated, person.erased_at = False, True, now
