"""Joining a circle is not joining a team (issue 18). A newcomer's Join gives her a link of her
own: bound to her Telegram id, used once, alive an hour, role circle_member, no team. Her
facilitator may then offer her team, and the newcomer chooses. Those who joined by a circle's
old shared link (home visitors of the facilitator's team) are listed to the facilitator once,
each with a button that makes her a member of the circle only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flows.circles import Reply
from flows.spec import CIRCLE_MEMBER
from services.circles.context import FACILITATOR, CircleContext
from services.circles.disclosed import MEMBERSHIP
from services.core.buttons import Button
from services.core.registry import Rule
from services.joining import invites
from services.joining.bot_identity import USERNAME_KEY
from store.models import Circle, CircleMember, Invite, Person, Team

if TYPE_CHECKING:
    from services.core.turn import Turn

# Long enough to open the bot and read the privacy notice; short, so a forwarded link is soon dead.
JOIN_LINK_LIFE = timedelta(hours=1)
TEAM_OFFER_LIFE = timedelta(days=7)  # a supervisor's /invite lasts as long
HOME_VISITOR = "home_visitor"


@dataclass(frozen=True)
class InviteToTeam(Button):
    """The facilitator's button under "<name> joined <circle>"."""

    prefix = "ct"
    circle: int
    person: int


@dataclass(frozen=True)
class TeamOffer(Button):
    """The newcomer's answer to the offer; the code is the invite that holds it, bound to her."""

    prefix = "ca"
    code: str
    answer: Reply


@dataclass(frozen=True)
class CircleOnly(Button):
    """The facilitator's button, one per old-link member: make her a member of the circle only."""

    prefix = "cx"
    circle: int
    person: int


# --- a newcomer's link ------------------------------------------------------------------------------


async def bound_link(ctx: CircleContext, circle: Circle, telegram_id: int) -> str:
    """Her own link to the circle."""
    code = await _her_invite(ctx, circle, telegram_id, CIRCLE_MEMBER, None, circle.facilitator_id)
    username = await ctx.uow.settings.get(USERNAME_KEY)
    return invites.deep_link(username or "circlebot", code)


async def _her_invite(
    ctx: CircleContext, circle: Circle, telegram_id: int, role: str, team: Team | None, made_by: int | None
) -> str:
    """The code of an invite of this circle bound to her: the one she got before while it is
    unused and alive (a second press adds no row), else a new single-use one."""
    team_id = None if team is None else team.id
    invite = await ctx.uow.invites.bound(telegram_id, circle.id, role, team_id, ctx.now)
    if invite is not None:
        return invite.code
    life = JOIN_LINK_LIFE if role == CIRCLE_MEMBER else TEAM_OFFER_LIFE
    return await invites.add_invite(
        ctx.uow,
        role,
        team,
        1,
        life,
        ctx.now,
        created_by=made_by,
        circle_id=circle.id,
        for_telegram_id=telegram_id,
    )


async def joined(ctx: CircleContext, circle: Circle, person: Person) -> None:
    """Someone with no team joined: her facilitator is told privately, with a button to offer
    her own team when she has one."""
    facilitator = await ctx.facilitator(circle)
    if person.team_id is not None or facilitator is None or facilitator.id == person.id:
        return
    speaker = ctx.speaker(facilitator, queued=True).disclosing(MEMBERSHIP, person.id)
    team = None if facilitator.team_id is None else await ctx.uow.teams.get(facilitator.team_id)
    buttons = []
    if team is not None:
        label = speaker.label("circle.button.invite_to_team", team=team.name)
        buttons = [[(label, InviteToTeam(circle.id, person.id).encode())]]
    await speaker.say("circle.newcomer", buttons, name=person.name, circle=circle.name)


# --- the facilitator's offer of her team, and the newcomer's answer ----------------------------------


@dataclass(frozen=True)
class Found:
    circle: Circle
    person: Person
    team: Team


async def newcomer_of_hers(turn: Turn, data: Any) -> Found | None:
    """Her circle, a member of it still with no team, and her own team."""
    circle = await turn.uow.circles.get(data.circle)
    if circle is None or circle.facilitator_id != turn.me.id or turn.me.team_id is None:
        return None
    person = await _member(turn, circle, data.person)
    team = await turn.uow.teams.get(turn.me.team_id)
    if person is None or person.team_id is not None or team is None:
        return None
    return Found(circle, person, team)


async def invite_to_team(ctx: CircleContext, facilitator: Person, found: Found) -> None:
    """The offer goes to her, bound to her; pressed again, the same offer goes again."""
    circle, person, team = found.circle, found.person, found.team
    code = await _her_invite(ctx, circle, person.telegram_id, HOME_VISITOR, team, facilitator.id)
    speaker = ctx.speaker(person, queued=True).disclosing(MEMBERSHIP, facilitator.id)
    buttons = [
        [
            (speaker.label("circle.button.accept_team"), TeamOffer(code, "yes").encode()),
            (speaker.label("circle.button.decline_team"), TeamOffer(code, "no").encode()),
        ]
    ]
    await speaker.say("circle.team_offer", buttons, facilitator=facilitator.name, team=team.name)
    told = ctx.speaker(facilitator).disclosing(MEMBERSHIP, person.id)
    await told.say("circle.team_offer_sent", name=person.name, team=team.name)


async def offered_to_her(turn: Turn, data: Any) -> Invite | None:
    """A team's offer, alive, made to her, while she still has no team."""
    invite = await turn.uow.invites.get(data.code)
    telegram_id = turn.incoming.sender.telegram_id
    if invite is None or invites.why_unusable(invite, turn.now, telegram_id) is not None:
        return None
    offer = (
        invite.for_telegram_id == telegram_id and invite.circle_id is not None and invite.team_id is not None
    )
    return invite if offer and invite.role == HOME_VISITOR and turn.me.team_id is None else None


async def answer_offer(ctx: CircleContext, person: Person, invite: Invite, answer: Reply) -> None:
    """Yes: she becomes a home visitor of the team, and no longer a circle's member only. Both
    hear of it either way."""
    team = None if invite.team_id is None else await ctx.uow.teams.get(invite.team_id)
    facilitator = None if invite.created_by is None else await ctx.uow.people.get(invite.created_by)
    speaker = ctx.speaker(person)
    if team is None:
        return await speaker.say("button.expired")
    if answer == "no":
        await ctx.uow.invites.revoke(invite.code, ctx.now)
        await speaker.say("circle.team_declined")
        return await _tell(ctx, facilitator, person, "circle.team_declined_facilitator", name=person.name)
    await ctx.uow.invites.redeem(invite.code, ctx.now, person.telegram_id)
    await invites.grant(ctx.uow, person, invite.role, team.id)
    await speaker.say("circle.team_joined", team=team.name)
    await _tell(ctx, facilitator, person, "circle.team_accepted", name=person.name, team=team.name)


async def _tell(
    ctx: CircleContext, facilitator: Person | None, member: Person, key: str, **fields: object
) -> None:
    """The facilitator hears the member's answer to her team's invitation."""
    if facilitator is not None:
        await ctx.speaker(facilitator, queued=True).disclosing(MEMBERSHIP, member.id).say(key, (), **fields)


# --- members who came by an old shared link -------------------------------------------------------------


def by_old_link(circle: Circle, person: Person, member: CircleMember) -> bool:
    """Made a home visitor of the circle's team by its old shared link: consent created her and
    joined her to the circle in one turn, and nothing has changed her since."""
    return (
        member.left_at is None
        and person.created_at == member.joined_at
        and circle.team_id is not None
        and person.team_id == circle.team_id
        and person.role_names == {HOME_VISITOR}
    )


async def list_old_links(ctx: CircleContext, circle: Circle) -> int:
    """Once per circle: its facilitator gets the list, a button per person. How many."""
    circle.old_links_listed_at = ctx.now
    facilitator = await ctx.facilitator(circle)
    if facilitator is None or FACILITATOR not in facilitator.role_names:
        return 0
    found = []
    for person in await ctx.uow.circles.members(circle.id):
        member = await ctx.uow.circles.membership(circle.id, person.id)
        if member is not None and by_old_link(circle, person, member):
            found.append(person)
    if not found:
        return 0
    speaker = ctx.speaker(facilitator, queued=True).disclosing(MEMBERSHIP, *(person.id for person in found))
    team = await ctx.uow.teams.get(circle.team_id) if circle.team_id is not None else None
    buttons = [
        [
            (
                speaker.label("circle.button.circle_only", name=person.name),
                CircleOnly(circle.id, person.id).encode(),
            )
        ]
        for person in found
    ]
    names = ", ".join(person.name for person in found)
    await speaker.say(
        "circle.old_links", buttons, circle=circle.name, team=team.name if team else "—", names=names
    )
    return len(found)


async def old_link_member(turn: Turn, data: Any) -> Person | None:
    """A member of her circle who is still as the old link made her."""
    circle = await turn.uow.circles.get(data.circle)
    if circle is None or circle.facilitator_id != turn.me.id:
        return None
    person = await _member(turn, circle, data.person)
    member = None if person is None else await turn.uow.circles.membership(circle.id, person.id)
    return (
        person if person is not None and member is not None and by_old_link(circle, person, member) else None
    )


async def make_circle_only(ctx: CircleContext, facilitator: Person, person: Person, circle_id: int) -> None:
    """Her roles become circle_member alone, with no team; she is told what changes."""
    circle = await ctx.uow.circles.get(circle_id)
    assert circle is not None  # the rule found it
    await ctx.uow.people.add_role(person, CIRCLE_MEMBER)
    await ctx.uow.people.remove_role(person, HOME_VISITOR)
    person.team_id = None
    await ctx.speaker(person, queued=True).say("circle.made_circle_only", circle=circle.name)
    told = ctx.speaker(facilitator).disclosing(MEMBERSHIP, person.id)
    await told.say("circle.made_circle_only_done", name=person.name, circle=circle.name)


async def _member(turn: Turn, circle: Circle, person_id: int) -> Person | None:
    member = await turn.uow.circles.membership(circle.id, person_id)
    person = None if member is None or member.left_at is not None else await turn.uow.people.get(person_id)
    return None if person is None or person.deactivated else person


FACILITATOR_OF_NEWCOMER = Rule(
    "the facilitator of a newcomer's circle", frozenset({FACILITATOR}), newcomer_of_hers
)
OFFERED_TO_HER = Rule("the person offered a team", relation=offered_to_her)
FACILITATOR_OF_OLD_LINK = Rule(
    "the facilitator of an old-link member's circle", frozenset({FACILITATOR}), old_link_member
)
