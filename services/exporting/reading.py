"""What an export reads with: its scope (a team, dates, pseudonymised or not), the people and
teams it may name, and keyset pages, each read in its own short unit of work (SQLite's write
lock and PostgreSQL's snapshot are held for one page, never for the whole export)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from store.database import Database
from store.repositories import dumps
from store.repositories.dumps import Query, Window
from store.uow import UnitOfWork

PAGE = 5_000  # rows a page: a few MB at most


@dataclass(frozen=True)
class Scope:
    team_id: int | None = None
    team: str | None = None
    start: date | None = None  # inclusive
    end: date | None = None  # inclusive
    pseudonymise: bool = False
    kinds: frozenset[str] | None = None  # --only; None: every kind

    @property
    def days(self) -> tuple[date | None, date | None]:
        """The window in days, the end exclusive."""
        return self.start, None if self.end is None else self.end + timedelta(days=1)

    @property
    def window(self) -> Window:
        """The window in moments (UTC days), the end exclusive."""
        start, end = self.days
        return _midnight(start), _midnight(end)

    def holds(self, day: date | None) -> bool:
        """A row's own date is within --from and --to (a row with no date, a cycle not started
        yet, only when neither was asked)."""
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), UTC)


@dataclass
class Reader:
    """The database, the scope, and the people an export may name: by her name, or by her
    pseudonym when pseudonymised. Every person a written row names is `carried` (the disclosure
    log's `about`)."""

    db: Database
    scope: Scope
    names: dict[int, str]
    teams: dict[int, str]
    team_of: dict[int, int | None]
    carried: set[int] = field(default_factory=set)

    @classmethod
    async def open(cls, db: Database, scope: Scope) -> Reader:
        async with db.unit_of_work() as uow:
            people = await uow.dump.all(dumps.people(None))
            names = {row["id"]: row["name"] for row in people}
            if scope.pseudonymise:
                names = await uow.people.pseudonyms(names)
                await uow.commit()
            teams = await uow.dump.teams()
        return cls(db, scope, names, teams, {row["id"]: row["team_id"] for row in people})

    def who(self, value: object) -> object:
        """A person column's cell: a person id named (and carried); a text (a kept row's
        pseudonym, "a former member") as it is."""
        if isinstance(value, int):
            self.carried.add(value)
            return self.names.get(value)
        return value

    def team(self, team_id: int | None) -> str | None:
        return None if team_id is None else self.teams.get(team_id)

    async def pages(self, query: Query, size: int = PAGE) -> AsyncIterator[Sequence[Any]]:
        """`query`'s rows a page at a time, by its first column (an id)."""
        key = query.selected_columns[0]
        after = 0
        while True:
            async with self.db.unit_of_work() as uow:
                page = await uow.dump.page(query, key, after, size)
            if not page:
                return
            yield page
            after = page[-1][key.name]

    async def count(self, query: Query) -> int:
        async with self.db.unit_of_work() as uow:
            return await uow.dump.count(query)

    async def read(self, work: Callable[[UnitOfWork], Any]) -> Any:
        """One short read in its own unit of work."""
        async with self.db.unit_of_work() as uow:
            return await work(uow)
