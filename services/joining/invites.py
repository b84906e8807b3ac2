"""Invites: the only way into circlebot. A code carries a role and a team; a supervisor code
makes its redeemer the team's one supervisor, so it is single-use and refused for a team that
already has (or is already inviting) one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flows.spec import CIRCLE_MEMBER, ROLES
from services.core.errors import Refused
from store.database import Database
from store.models import Invite, Person, Team
from store.uow import UnitOfWork

CODE_BYTES = 16  # 22 characters of A-Za-z0-9_-, within Telegram's 64 for a start parameter


class InviteStatus(StrEnum):
    """Where an invite stands, worked out from its row (it keeps no status of its own)."""

    ACTIVE = "active"
    USED_UP = "used up"
    EXPIRED = "expired"
    REVOKED = "revoked"


# Why an invite of each status other than active cannot be used.
UNUSABLE = {
    InviteStatus.REVOKED: "invite.revoked",
    InviteStatus.USED_UP: "invite.used_up",
    InviteStatus.EXPIRED: "invite.expired",
}


@dataclass(frozen=True)
class InviteView:
    code: str
    role: str
    team: str | None
    uses: int
    max_uses: int
    expires_at: datetime
    status: InviteStatus


def new_code() -> str:
    """A random code of A-Za-z0-9_-, never starting with "-" (a command line would take it
    for an option)."""
    while (code := secrets.token_urlsafe(CODE_BYTES)).startswith("-"):
        pass
    return code


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Refused(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def check_request(role: str, team_name: str | None, uses: int) -> None:
    """What can be refused without the database, so callers can check before touching it."""
    check_role(role)
    if role == CIRCLE_MEMBER:
        raise Refused("a circle member joins by her circle's Join button, with a link made for her alone")
    if uses < 1:
        raise Refused("--uses must be at least 1")
    if role == "supervisor":
        if team_name is None:
            raise Refused("a supervisor invite needs --team: it makes its redeemer that team's supervisor")
        if uses != 1:
            raise Refused("a supervisor invite is single-use: a team has one supervisor")


async def create_invite(
    db: Database, role: str, team_name: str | None, uses: int, valid_for: timedelta, now: datetime
) -> str:
    """Write the invite (creating its team if new) and return its code."""
    check_request(role, team_name, uses)
    async with db.unit_of_work() as uow:
        team = None if team_name is None else (await uow.teams.get_or_create(team_name, now))[0]
        code = await add_invite(uow, role, team, uses, valid_for, now)
        await uow.commit()
    return code


async def add_invite(
    uow: UnitOfWork,
    role: str,
    team: Team | None,
    uses: int,
    valid_for: timedelta,
    now: datetime,
    created_by: int | None = None,
    circle_id: int | None = None,
    for_telegram_id: int | None = None,
) -> str:
    """The invite inside the caller's unit of work (the CLI's, a supervisor's /invite, a
    learning circle's link for one newcomer, a facilitator's offer of her team)."""
    if role == "supervisor" and team is not None:
        if team.supervisor_id is not None:
            raise Refused(f"team {team.name!r} already has a supervisor")
        pending = await uow.invites.pending_supervisor_invite(team.id, now)
        if pending is not None:
            raise Refused(
                f"team {team.name!r} already has a supervisor invite waiting ({pending.code}); "
                "revoke it first"
            )
    code = new_code()
    team_id = None if team is None else team.id
    await uow.invites.add(
        code,
        role,
        team_id,
        uses,
        now + valid_for,
        now,
        created_by=created_by,
        circle_id=circle_id,
        for_telegram_id=for_telegram_id,
    )
    return code


async def grant(uow: UnitOfWork, person: Person, role: str, team_id: int | None) -> None:
    """A role of the program (an invite, a facilitator's offer of her team) ends her being only a
    circle's member; her team is kept, else it is the one given."""
    await uow.people.add_role(person, role)
    if role != CIRCLE_MEMBER:
        await uow.people.remove_role(person, CIRCLE_MEMBER)
    person.team_id = person.team_id or team_id


def _status(invite: Invite, now: datetime) -> InviteStatus:
    if invite.revoked_at is not None:
        return InviteStatus.REVOKED
    if invite.uses >= invite.max_uses:
        return InviteStatus.USED_UP
    if invite.expires_at <= now:
        return InviteStatus.EXPIRED
    return InviteStatus.ACTIVE


def why_unusable(invite: Invite | None, now: datetime, telegram_id: int) -> str | None:
    """The catalog key explaining why a code cannot be used by this Telegram id, or None when it
    can: one bound to someone else is not hers, whatever its state."""
    if invite is None:
        return "invite.unknown"
    if invite.for_telegram_id is not None and invite.for_telegram_id != telegram_id:
        return "invite.not_yours"
    status = _status(invite, now)
    return None if status == InviteStatus.ACTIVE else UNUSABLE[status]


async def list_invites(db: Database, now: datetime, include_inactive: bool) -> list[InviteView]:
    async with db.unit_of_work() as uow:
        invites = await uow.invites.all(now, include_inactive=include_inactive)
        teams = {team.id: team.name for team in await uow.teams.all()}
    return [
        InviteView(
            invite.code,
            invite.role,
            teams.get(invite.team_id) if invite.team_id is not None else None,
            invite.uses,
            invite.max_uses,
            invite.expires_at,
            _status(invite, now),
        )
        for invite in invites
    ]


async def revoke_invite(db: Database, code: str, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        if not await uow.invites.revoke(code, now):
            raise Refused(f"no active invite with code {code!r}")
        await uow.commit()
