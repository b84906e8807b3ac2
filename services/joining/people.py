"""Program admins' work on people and teams: list, deactivate and reactivate, move between
teams, add roles, appoint a team's supervisor, show a team. Each call is one unit of work; a
refusal writes nothing.

A team always knows its supervisor: moving her to another team or deactivating her frees the
team she supervised (reactivating does not give it back); `set_supervisor` appoints one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flows.content import Content
from flows.spec import ROLES
from services.core.errors import Refused
from services.core.outgoing import Outbox
from services.core.speaker import Speaker
from services.joining.invites import check_role
from services.sharing.sharing import Sharing
from store.database import Database
from store.models import Person, Team
from store.uow import UnitOfWork

SUPERVISOR = "supervisor"


class PersonStatus(StrEnum):
    """Where a person stands, from her row: deactivated by an admin, or unreachable (she
    blocked the bot)."""

    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    UNREACHABLE = "unreachable"
    ERASED = "erased"  # she erased herself (/forget) or was erased: an empty row, kept for counts


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
    if person.erased_at is not None:
        return PersonStatus.ERASED
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
    return [_view(person, teams.get(person.team_id or 0)) for person in people]


def _view(person: Person, team: str | None) -> PersonView:
    return PersonView(
        person.id,
        person.name,
        tuple(sorted(person.role_names)),
        team,
        person.language,
        _status(person),
        person.consented_at,
    )


async def _person(uow: UnitOfWork, person_id: int) -> Person:
    person = await uow.people.get(person_id)
    if person is None or person.erased_at is not None:
        raise Refused(f"no person with id {person_id}" + ("" if person is None else " (erased)"))
    return person


@dataclass(frozen=True)
class Change:
    """What an admin's change to one person did."""

    name: str
    freed: str | None  # the team she supervised, without a supervisor now
    supervisor: bool  # she holds the supervisor role


async def _free_supervised(uow: UnitOfWork, person: Person, keep: Team | None = None) -> str | None:
    """The team she supervises (but `keep`) no longer has her as its supervisor; its name."""
    team = await uow.teams.supervised_by(person.id)
    if team is None or team is keep:
        return None
    team.supervisor_id = None
    return team.name


async def set_deactivated(db: Database, person_id: int, deactivated: bool) -> Change:
    async with db.unit_of_work() as uow:
        person = await _person(uow, person_id)
        await uow.people.set_deactivated(person, deactivated)
        freed = await _free_supervised(uow, person) if deactivated else None
        await uow.commit()
        return Change(person.name, freed, SUPERVISOR in person.role_names)


async def move(db: Database, person_id: int, team_name: str) -> Change:
    async with db.unit_of_work() as uow:
        team = await _team(uow, team_name)
        person = await _person(uow, person_id)
        await uow.people.move(person, team)
        freed = await _free_supervised(uow, person, keep=team)
        await uow.commit()
        return Change(person.name, freed, SUPERVISOR in person.role_names)


async def add_role(db: Database, person_id: int, role: str) -> bool:
    check_role(role)
    async with db.unit_of_work() as uow:
        person = await _person(uow, person_id)
        added = await uow.people.add_role(person, role)
        await uow.commit()
        return added


async def _team(uow: UnitOfWork, team_name: str) -> Team:
    team = await uow.teams.get_by_name(team_name)
    if team is None:
        raise Refused(f"no team named {team_name!r} (invite create --team makes one)")
    return team


# --- a team's supervisor ---------------------------------------------------------------------------


async def take_up_supervision(sharing: Sharing, team: Team, person: Person) -> int:
    """She supervises the team now, and is in it; the reflections its members shared while it had
    no supervisor reach her. How many did. (A supervisor's invite and `team set-supervisor`.)"""
    team.supervisor_id = person.id
    person.team_id = team.id
    undelivered = [s for s in await sharing.uow.shares.undelivered(team.id) if s.person_id != person.id]
    for share in undelivered:
        await sharing.deliver(share, person)
    return len(undelivered)


@dataclass(frozen=True)
class Appointed:
    """What `set_supervisor` did, for the admin to read."""

    name: str
    team: str
    role_added: bool  # she was not a supervisor before
    replaced: str | None  # the team's previous supervisor (still a member)
    freed: str | None  # the team she supervised before
    revoked: str | None  # the code of the team's supervisor invite that was waiting
    delivered: int  # reflections shared while the team had no supervisor, sent to her now


async def set_supervisor(
    db: Database, content: Content, team_name: str, person_id: int, now: datetime
) -> Appointed:
    """She supervises the team from now on: only someone who joined and is active."""
    async with db.unit_of_work() as uow:
        team = await _team(uow, team_name)
        person = await _person(uow, person_id)
        if person.consented_at is None or person.deactivated:
            state = "is deactivated" if person.deactivated else "has not joined yet"
            raise Refused(f"{person.name} (id {person.id}) {state}: only an active person can supervise")
        if team.supervisor_id == person.id:
            raise Refused(f"{person.name} already supervises {team.name}")
        previous = None if team.supervisor_id is None else await uow.people.get(team.supervisor_id)
        freed = await _free_supervised(uow, person)
        role_added = await uow.people.add_role(person, SUPERVISOR)
        pending = await uow.invites.pending_supervisor_invite(team.id, now)
        if pending is not None:
            await uow.invites.revoke(pending.code, now)
        out = Outbox(uow, now, f"team-supervisor:{team.id}:{person.id}:{now.isoformat()}", interactive=False)
        catalog = content.catalog
        speaker = Speaker.to(out, catalog, person)
        delivered = await take_up_supervision(Sharing(uow, content, speaker, now), team, person)
        await speaker.say("team.supervisor_appointed", team=team.name)
        if previous is not None:
            await Speaker.to(out, catalog, previous).say("team.supervisor_replaced", team=team.name)
        await uow.commit()
        return Appointed(
            person.name,
            team.name,
            role_added,
            None if previous is None else previous.name,
            freed,
            None if pending is None else pending.code,
            delivered,
        )


@dataclass(frozen=True)
class TeamView:
    """A team as `circlebot team show` prints it."""

    name: str
    supervisor: PersonView | None
    members: dict[str, list[PersonView]]  # by role (someone with two roles is under both)
    invites: list[tuple[str, str, int, int, datetime]]  # code, role, uses, max uses, expires
    circles: list[tuple[int, str, str, str | None]]  # id, name, status, facilitator


async def show_team(db: Database, team_name: str, now: datetime) -> TeamView:
    async with db.unit_of_work() as uow:
        team = await _team(uow, team_name)
        people = [_view(person, team.name) for person in await uow.people.all(team.id)]
        supervisor = None if team.supervisor_id is None else await uow.people.get(team.supervisor_id)
        invites = [i for i in await uow.invites.all(now) if i.team_id == team.id]
        circles = await uow.circles.of_team(team.id)
        facilitators = await uow.people.many(c.facilitator_id for c in circles if c.facilitator_id)
    return TeamView(
        team.name,
        None if supervisor is None else _view(supervisor, team.name),
        {role: [p for p in people if role in p.roles] for role in ROLES},
        [(i.code, i.role, i.uses, i.max_uses, i.expires_at) for i in invites],
        [
            (c.id, c.name, c.status, f.name if (f := facilitators.get(c.facilitator_id or 0)) else None)
            for c in circles
        ],
    )
