"""Joining: an invite link (`/start <code>`), the privacy notice and consent before anything
about her is stored, her language, her menu and /help, another invite opened by someone already
here, and a supervisor's /invite for her team."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from flows.content import Content
from flows.i18n import ROLE_NAMES
from flows.run import RunState
from flows.spec import CIRCLE_MEMBER, ROLES
from services.circles import membership
from services.circles.group import context as circle_context
from services.core.buttons import Button
from services.core.errors import Refused
from services.core.registry import ANYBODY, ANYONE, ButtonKind, Command, Feature, Rule, menu_line, roles
from services.core.turn import Sender, Turn
from services.joining import invites, people
from services.joining.bot_identity import USERNAME_KEY
from services.sharing.sharing import Sharing
from store.models import Invite, Person

INVITE_DAYS = 7
SUPERVISOR = "supervisor"
# The links a supervisor's /invite offers: (uses, days). A button carries one of these, never a number.
InviteChoice = Literal["1x7", "5x7", "1x30", "5x30"]
INVITE_CHOICES: dict[InviteChoice, tuple[int, int]] = {
    "1x7": (1, 7),
    "5x7": (5, 7),
    "1x30": (1, 30),
    "5x30": (5, 30),
}


@dataclass(frozen=True)
class Consent(Button):
    prefix = "ok"
    code: str  # the invite she is accepting


@dataclass(frozen=True)
class Decline(Button):
    prefix = "no"


@dataclass(frozen=True)
class Language(Button):
    prefix = "lang"
    code: str


@dataclass(frozen=True)
class MoreInvite(Button):
    prefix = "inv"
    choice: InviteChoice


EVERYONE_BEFORE_LANGUAGE = Rule("anyone who joined, before her language", before_language=True)


async def _not_yet(turn: Turn, data: object) -> Sender | None:
    """The sender, while she is not in circlebot (consent is asked once)."""
    return turn.incoming.sender if turn.person is None else None


STRANGER = Rule("someone not in circlebot", strangers=True, before_language=True, relation=_not_yet)


# --- joining --------------------------------------------------------------------------------------


async def start(turn: Turn) -> None:
    """/start: a stranger's invite asks for consent first; someone already here may gain a role."""
    code = turn.incoming.argument
    if turn.person is not None and code:
        return await _another_invite(turn, turn.person, code)
    if turn.person is not None:
        await turn.say("start.already")
        return await help_(turn)
    if not code:
        return await turn.say("invite.none")
    invite = await turn.uow.invites.get(code)
    problem = invites.why_unusable(invite, turn.now, turn.incoming.sender.telegram_id)
    if problem is not None or invite is None:
        return await turn.say(problem or "invite.unknown")
    buttons = [
        [(turn.label("button.agree"), Consent(code).encode())],
        [(turn.label("button.decline"), Decline().encode())],
    ]
    await turn.speaker().send(privacy_notice(turn, circle_only=invite.role == CIRCLE_MEMBER), buttons)


def privacy_notice(turn: Turn, circle_only: bool) -> str:
    """What is kept, then a line for every kind of disclosure the features declare (a circle's
    member is in no team: the kinds only a team has are left out), then how she sees, takes and
    erases it herself, then how long it is kept and whom to ask (the program's contact line,
    content/program.yaml). Built from the declarations, so a new kind cannot go unsaid."""
    intro = "onboarding.privacy_circle" if circle_only else "onboarding.privacy"
    lines = [
        f"• {turn.label(disclosed.notice)}"
        for disclosed in turn.registry.disclosures
        if not (circle_only and disclosed.team_only)
    ]
    program = turn.content.program  # its contact line, when the content has one
    contact = (
        turn.label("onboarding.contact") if program is None else turn.catalog.pick(program.contact, turn.lang)
    )
    kept = turn.label("onboarding.kept", contact=contact)
    body = "\n".join([turn.label("disclosure.heading"), *lines])
    yours = turn.label("onboarding.your_data")  # /mydata and /forget
    return turn.catalog.lay_out(turn.lang, f"{turn.label(intro)}\n\n{body}\n\n{yours}\n\n{kept}")


async def consent(turn: Turn, data: Consent) -> None:
    """Nothing about a person is stored before she consents."""
    sender = turn.incoming.sender
    invite = await turn.uow.invites.redeem(data.code, turn.now, sender.telegram_id)
    if invite is None:  # a forwarded button carries the code: the binding is checked here too
        why = invites.why_unusable(await turn.uow.invites.get(data.code), turn.now, sender.telegram_id)
        return await turn.say(why or "invite.unknown")
    person = await turn.uow.people.add(
        sender.telegram_id,
        sender.name,
        turn.now,
        username=sender.username,
        roles=[invite.role],
        team_id=invite.team_id,
    )
    person.consented_at = turn.now
    turn.person = person
    await _take_up_supervision(turn, person, invite)
    await _join_circle(turn, person, invite)
    await ask_language(turn)


async def decline(turn: Turn, data: Decline) -> None:
    await turn.say("onboarding.declined")


async def _take_up_supervision(turn: Turn, person: Person, invite: Invite) -> None:
    """A supervisor's invite to a team without one makes her its supervisor, and the reflections
    others shared while it had none reach her now."""
    if invite.role != SUPERVISOR or invite.team_id is None:
        return
    team = await turn.uow.teams.get(invite.team_id)
    if team is not None and team.supervisor_id is None:
        await people.take_up_supervision(
            Sharing(turn.uow, turn.content, turn.speaker(), turn.now), team, person
        )


async def _join_circle(turn: Turn, person: Person, invite: Invite) -> bool:
    """An invite from a learning circle's Join button makes her one of its members (and her
    facilitator hears of it)."""
    circle = None if invite.circle_id is None else await turn.uow.circles.get(invite.circle_id)
    if circle is None or not await turn.uow.circles.join(circle.id, person.id, turn.now):
        return False
    await turn.say("circle.joined_by_link", name=circle.name)
    await membership.joined(circle_context(turn), circle, person)
    return True


async def _another_invite(turn: Turn, person: Person, code: str) -> None:
    """An invite opened by someone already here adds its role (a home visitor who becomes a
    supervisor keeps her history); it is used up only when it changes something. A circle's
    link only joins her to the circle: her roles and team stay as they are."""
    telegram_id = turn.incoming.sender.telegram_id
    invite = await turn.uow.invites.get(code)
    problem = invites.why_unusable(invite, turn.now, telegram_id)
    if problem is not None or invite is None:
        return await turn.say(problem or "invite.unknown")
    if invite.role == CIRCLE_MEMBER:
        await turn.uow.invites.redeem(code, turn.now, telegram_id)  # hers, and used once
        if not await _join_circle(turn, person, invite):
            await turn.say("circle.already_member")
        return
    if invite.circle_id is not None and await _join_circle(turn, person, invite):
        return
    if person.team_id is not None and invite.team_id not in (None, person.team_id):
        return await turn.say("start.other_team")
    if invite.role in person.role_names:
        await turn.say("start.already")
        return await help_(turn)
    if await turn.uow.invites.redeem(code, turn.now, telegram_id) is None:  # used up just now
        return await turn.say(invites.why_unusable(invite, turn.now, telegram_id) or "invite.used_up")
    await invites.grant(turn.uow, person, invite.role, invite.team_id)
    await _take_up_supervision(turn, person, invite)
    await turn.say("start.role_added", role=turn.label(ROLE_NAMES.key(invite.role)))
    await _menu(turn)


# --- language, menu, help ----------------------------------------------------------------------------


async def ask_language(turn: Turn) -> None:
    languages = turn.content.languages
    buttons = [[(languages.languages[code].name, Language(code).encode()) for code in languages.enabled]]
    await turn.say("onboarding.choose_language", buttons)


async def set_language(turn: Turn, data: Language) -> None:
    person = turn.me
    if data.code not in turn.content.languages.enabled:
        return await turn.say("button.expired")
    first_time = person.language is None
    person.language = turn.lang = data.code
    run = await turn.uow.runs.active_for(person.id)
    if run is not None:
        run.state = RunState.from_json(run.state).evolve(lang=data.code).to_json()
    await turn.say("language.set")
    if first_time:
        await _welcome(turn, person)
        await help_(turn)
    await _menu(turn)
    await turn.conversation().repeat_question(run)


async def _welcome(turn: Turn, person: Person) -> None:
    """Her first words, naming her first role in the program's order; someone with no role
    (all removed by an admin) is welcomed without one."""
    role = next((role for role in ROLES if role in person.role_names), None)
    if role is None:
        return await turn.say("onboarding.welcome_no_role", name=person.name)
    await turn.say("onboarding.welcome", name=person.name, role=turn.label(ROLE_NAMES.key(role)))


def _commands(turn: Turn) -> list[tuple[str, str]]:
    """What she may do, in her language: her menu and her /help."""
    return [
        (command.name, command.about(turn))
        for command in turn.registry.menu(turn.me.role_names)
        if command.about is not None
    ]


async def _menu(turn: Turn) -> None:
    await menu_of(turn, turn.me)


async def menu_of(turn: Turn, person: Person) -> None:
    """Her menu as her roles stand now, in her language, also when someone else's action changed
    them (a facilitator's offer of her team accepted, or her circle-only membership)."""
    hers = dataclasses.replace(turn, person=person, lang=person.language or turn.lang)
    await turn.out.menu(person.telegram_id, _commands(hers), person.id)


async def help_(turn: Turn) -> None:
    lines = [turn.label("help.intro"), *(f"/{name} — {about}" for name, about in _commands(turn))]
    await turn.speaker().send(turn.catalog.lay_out(turn.lang, "\n".join(lines)))


# --- a supervisor's invite from the chat ---------------------------------------------------------------


async def invite(turn: Turn) -> None:
    await _invite(turn, 1, INVITE_DAYS)


async def more_invite(turn: Turn, data: MoreInvite) -> None:
    await _invite(turn, *INVITE_CHOICES[data.choice])


async def _invite(turn: Turn, uses: int, days: int) -> None:
    person = turn.me
    team = await turn.uow.teams.supervised_by(person.id)
    if team is None:
        return await turn.say("invite.no_team")
    username = await turn.uow.settings.get(USERNAME_KEY)
    try:
        code = await invites.add_invite(
            turn.uow, "home_visitor", team, uses, timedelta(days=days), turn.now, created_by=person.id
        )
    except Refused:
        return await turn.say("chat.not_allowed")
    link = invites.deep_link(username or "circlebot", code)
    buttons = [
        [(turn.label("invite.more_uses", uses=5), MoreInvite(_choice(5, days)).encode())],
        [(turn.label("invite.longer", days=30), MoreInvite(_choice(uses, 30)).encode())],
    ]
    await turn.say("invite.link", buttons, team=team.name, uses=uses, days=days, link=link)


def _choice(uses: int, days: int) -> InviteChoice:
    return next(name for name, offer in INVITE_CHOICES.items() if offer == (uses, days))


def feature(content: Content) -> Feature:
    return Feature(
        "joining",
        commands=(
            Command("start", ANYBODY, start),
            Command("invite", roles(SUPERVISOR), invite, menu_line("command.invite"), place=31),
            Command(
                "language",
                ANYONE,
                ask_language,
                menu_line("command.language"),
                place=41,
                repeats_question=False,
            ),
            Command("help", ANYONE, help_, menu_line("command.help"), place=44),
        ),
        buttons=(
            ButtonKind(Consent, STRANGER, consent),
            ButtonKind(Decline, STRANGER, decline),
            ButtonKind(Language, EVERYONE_BEFORE_LANGUAGE, set_language),
            ButtonKind(MoreInvite, roles(SUPERVISOR), more_invite),
        ),
        unsettled=ask_language,
    )
