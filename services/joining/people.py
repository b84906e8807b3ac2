"""Program admins' work on people: list, deactivate and reactivate, move between teams, add
roles. Each call is one unit of work; a refusal writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.core.errors import Refused
from services.joining.invites import check_role
from store.database import Database
from store.models import Person
from store.uow import UnitOfWork


class PersonStatus(StrEnum):
    """Where a person stands, from her row: deactivated by an admin, or unreachable (she
    blocked the bot)."""

    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    roles: tuple[str, ...]
    team: str | None
    language: str | None
    status: PersonStatus
    consented_at: datetime | None


def _status(person: Person) -> PersonStatus:
    if person.deactivated:
        return PersonStatus.DEACTIVATED
    return PersonStatus.UNREACHABLE if person.unreachable else PersonStatus.ACTIVE


async def list_people(db: Database, team_name: str | None = None) -> list[PersonView]:
    async with db.unit_of_work() as uow:
        team_id = None
        if team_name is not None:
            team = await uow.teams.get_by_name(team_name)
            if team is None:
                raise Refused(f"no team named {team_name!r}")
            team_id = team.id
        teams = {team.id: team.name for team in await uow.teams.all()}
        people = await uow.people.all(team_id)
    return [
        PersonView(
            person.id,
            person.name,
            tuple(sorted(person.role_names)),
            teams.get(person.team_id) if person.team_id is not None else None,
            person.language,
            _status(person),
            person.consented_at,
        )
        for person in people
    ]


async def _person(uow: UnitOfWork, person_id: int) -> Person:
    person = await uow.people.get(person_id)
    if person is None:
        raise Refused(f"no person with id {person_id}")
    return person


async def set_deactivated(db: Database, person_id: int, deactivated: bool) -> str:
    async with db.unit_of_work() as uow:
        person = await _person(uow, person_id)
        await uow.people.set_deactivated(person, deactivated)
        await uow.commit()
        return person.name


async def move(db: Database, person_id: int, team_name: str) -> str:
    async with db.unit_of_work() as uow:
        team = await uow.teams.get_by_name(team_name)
        if team is None:
            raise Refused(f"no team named {team_name!r} (invite create --team makes one)")
        person = await _person(uow, person_id)
        await uow.people.move(person, team)
        await uow.commit()
        return person.name


async def add_role(db: Database, person_id: int, role: str) -> bool:
    check_role(role)
    async with db.unit_of_work() as uow:
        person = await _person(uow, person_id)
        added = await uow.people.add_role(person, role)
        await uow.commit()
        return added
