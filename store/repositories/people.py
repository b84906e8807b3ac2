"""People (with their roles) and teams."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, time

from sqlalchemy import bindparam, select, update

from store.models import Person, PersonRole, Team
from store.repositories.base import Repository

# Asked on every update, built once (see base.prepared_insert).
_PERSON_BY_TELEGRAM_ID = select(Person).where(Person.telegram_id == bindparam("telegram_id"))


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

    async def pseudonyms(self, person_ids: Iterable[int]) -> dict[int, str]:
        """Each person's stable pseudonym, given now to those without one: a random id that names
        her in a pseudonymised export and in scores kept past their limit, the same every time, so
        rows stay comparable across exports. The people row is the only key back to her; erasing
        her blanks it (store/personal.py), and what carried it names no one after that."""
        wanted = set(person_ids)
        query = select(Person.id, Person.pseudonym).where(Person.id.in_(wanted))
        given = {person_id: name for person_id, name in await self.session.execute(query) if name}
        fresh = {person_id: "p" + secrets.token_hex(6) for person_id in sorted(wanted - given.keys())}
        if fresh:
            statement = (
                update(Person)
                .where(Person.id == bindparam("row"))
                .values(pseudonym=bindparam("given"))
                .execution_options(synchronize_session=False)
            )
            connection = await self.session.connection()
            await connection.execute(statement, [{"row": key, "given": name} for key, name in fresh.items()])
        return given | fresh

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

    async def remove_role(self, person: Person, role: str) -> None:
        person.roles[:] = [held for held in person.roles if held.role != role]
        await self.session.flush()


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
