"""Learning circles: /circle and the session commands in a group, its buttons (Join, the
facilitator's controls, votes, "I'm here"), what members say there, a member's private side
(set-up, private prompts, her case's title, RSVP, rating, follow-up) and the facilitator's
corrections of who was there. The clock's share is services.circles.clock."""

from __future__ import annotations

from functools import partial

from flows.content import Content
from flows.spec import CIRCLE_COMMANDS
from services.circles import attendance, group, membership
from services.circles import buttons as b
from services.circles import disclosed as d
from services.circles.clock import CircleClock
from services.circles.context import FACILITATOR
from services.circles.private import CirclePrivate
from services.circles.setup import CircleSetup
from services.core.prompts import Prompt
from services.core.registry import ANYBODY, ANYONE, Answers, ButtonKind, Command, Feature, Rule, roles
from services.core.turn import Turn
from services.joining.feature import menu_of
from store.models import CircleSession, Invite, Person

HER_SETUP = Rule("the facilitator setting up this circle", frozenset({FACILITATOR}), b.own_setup)
IN_THE_CIRCLE = Rule("a member of the session's circle", relation=b.in_sessions_circle)
HER_CONTRIBUTION = Rule("her own contribution", relation=b.own_contribution)
FACILITATES_HERE = Rule("this group's facilitator", frozenset({FACILITATOR}), b.facilitates_here)
MEMBER_HERE = Rule("a member of this group's circle", relation=b.member_here)
FACILITATES_SESSION = Rule(
    "the facilitator of the ended session's circle", frozenset({FACILITATOR}), b.facilitates_session
)


def private(turn: Turn) -> CirclePrivate:
    return CirclePrivate(group.context(turn), turn.me, turn.speaker())


async def in_group(turn: Turn) -> None:
    """A circle command in the private chat: it works in the group."""
    await turn.say("circle.in_group", command=turn.incoming.command)


async def receive(turn: Turn, prompt: Prompt) -> None:
    if isinstance(prompt, b.SetUpAsk):
        return await CircleSetup(group.context(turn)).receive(
            turn.me, turn.speaker(), prompt, turn.incoming.text or ""
        )
    await private(turn).receive(prompt, turn.incoming.text or "")


async def cancelled(turn: Turn, prompt: Prompt) -> None:
    await turn.say("circle.cancelled")


async def no_comment(turn: Turn, prompt: Prompt) -> None:
    await turn.say("circle.comment_thanks")


async def set_up(turn: Turn, data: b.SetUpChoice) -> None:
    await CircleSetup(group.context(turn)).press(turn.me, turn.speaker(), data)


async def rsvp(turn: Turn, data: b.Rsvp) -> None:
    await private(turn).rsvp(data)


async def rate(turn: Turn, data: b.Rate) -> None:
    await private(turn).rate(data)


async def share(turn: Turn, data: b.ShareAnswer) -> None:
    await private(turn).share(data)


async def tried(turn: Turn, data: b.Tried) -> None:
    await private(turn).tried(data)


async def case(turn: Turn, data: b.CaseChoice) -> None:
    await private(turn).case(data)


async def mark_present(turn: Turn, data: b.MarkPresent) -> None:
    assert isinstance(turn.found, CircleSession)  # the rule found it: ended, her circle's
    await attendance.correct(
        group.context(turn), turn.speaker(), turn.found, data.person, turn.incoming.message_id
    )


async def invite_to_team(turn: Turn, data: membership.InviteToTeam) -> None:
    assert isinstance(turn.found, membership.Found)  # the rule found her circle, her and the team
    await membership.invite_to_team(group.context(turn), turn.me, turn.found)


async def answer_offer(turn: Turn, data: membership.TeamOffer) -> None:
    assert isinstance(turn.found, Invite)  # the rule found the offer, hers
    await membership.answer_offer(group.context(turn), turn.me, turn.found, data.answer)
    if data.answer == "yes":
        await menu_of(turn, turn.me)


async def make_circle_only(turn: Turn, data: membership.CircleOnly) -> None:
    assert isinstance(turn.found, Person)  # the rule found her, still as the old link made her
    await membership.make_circle_only(group.context(turn), turn.me, turn.found, data.circle)
    await menu_of(turn, turn.found)


def feature(content: Content) -> Feature:
    if content.circles is None:
        return Feature("circles")
    controls = tuple(
        Command(
            name,
            FACILITATES_HERE,
            partial(group.control, name=name),
            where="group",
            refuse=group.control_refused,
        )
        for name in CIRCLE_COMMANDS
        if name != "circle"
    )
    return Feature(
        "circles",
        commands=(
            Command(
                "circle", roles(FACILITATOR), group.circle_command, where="group", refuse=group.circle_refused
            ),
            *controls,
            *(Command(name, ANYONE, in_group) for name in CIRCLE_COMMANDS),
        ),
        buttons=(
            ButtonKind(b.SetUpChoice, HER_SETUP, set_up),
            ButtonKind(b.Rsvp, IN_THE_CIRCLE, rsvp),
            ButtonKind(b.Rate, IN_THE_CIRCLE, rate),
            ButtonKind(b.ShareAnswer, HER_CONTRIBUTION, share),
            ButtonKind(b.Tried, HER_CONTRIBUTION, tried),
            ButtonKind(b.CaseChoice, HER_CONTRIBUTION, case),
            ButtonKind(b.MarkPresent, FACILITATES_SESSION, mark_present),
            ButtonKind(membership.InviteToTeam, membership.FACILITATOR_OF_NEWCOMER, invite_to_team),
            ButtonKind(membership.TeamOffer, membership.OFFERED_TO_HER, answer_offer),
            ButtonKind(membership.CircleOnly, membership.FACILITATOR_OF_OLD_LINK, make_circle_only),
            ButtonKind(b.Join, ANYBODY, group.join, where="group"),
            ButtonKind(
                b.Control,
                FACILITATES_HERE,
                group.press_control,
                where="group",
                refuse=group.control_press_refused,
            ),
            ButtonKind(b.Vote, MEMBER_HERE, group.vote, where="group", refuse=group.vote_refused),
            ButtonKind(b.Here, MEMBER_HERE, group.here, where="group", refuse=group.here_refused),
        ),
        answers=(
            Answers(b.SetUpAsk, receive, cancel=cancelled),
            Answers(b.SegmentAnswer, receive, cancel=cancelled),
            Answers(b.RatingComment, receive, cancel=cancelled, skip=no_comment),
            Answers(b.HowItWent, receive, cancel=cancelled),
            Answers(b.CaseTitle, receive, cancel=cancelled),
        ),
        group=group.on_update,
        clock=CircleClock,
        disclosures=(d.SHARED_ANSWER, d.CASE_TITLE, d.CONTRIBUTION, d.ATTENDANCE, d.MEMBERSHIP, d.RATING),
    )
