"""A learning circle's group: the bot's and members' status changes, /circle and the session
commands, the buttons under the bot's posts, and what members say during a session.

Only the circle's facilitator moves a session on (the rules in services.circles.feature check
it first); anyone else gets a kind word through services.core.refusals: over the button she
pressed, else privately when circlebot can reach her, else in the group, each kept few."""

from __future__ import annotations

from services.circles import attendance, membership
from services.circles.buttons import Control, Here, Join, Vote, this_groups_circle
from services.circles.context import CircleContext
from services.circles.disclosed import CASE_TITLE
from services.circles.sessions import SessionDesk
from services.circles.setup import CircleSetup
from services.core.disclosures import disclosed
from services.core.refusals import refuse
from services.core.turn import GroupFacts, Turn
from store.models import Circle
from store.statuses import RUNNING, CircleStatus, SessionStatus


def context(turn: Turn) -> CircleContext:
    return CircleContext(turn.uow, turn.content, turn.out, turn.bulk(), turn.now, turn.timezone)


def _facts(turn: Turn) -> GroupFacts:
    return turn.incoming.group or GroupFacts()


async def on_update(turn: Turn) -> None:
    """What no declared command or button took: status changes, a command that is not the
    circle's (a private one is answered privately), and what members say during a session."""
    ctx, incoming, facts = context(turn), turn.incoming, _facts(turn)
    setup = CircleSetup(ctx)
    if facts.bot_status is not None:
        return await setup.bot_status(incoming.chat_id, facts.bot_status)
    if facts.member is not None:
        return await setup.member_changed(incoming.chat_id, *facts.member)
    if incoming.command is not None:
        if turn.person is not None and turn.registry.command("private", incoming.command) is not None:
            circle = await this_groups_circle(turn)
            await _refuse(turn, circle, "circle.private_only", command=incoming.command)
        return
    person = turn.person
    circle, session, member = await turn.uow.circles.with_running_for(
        incoming.chat_id, None if person is None else person.id
    )
    if circle is None or circle.status != CircleStatus.ACTIVE or incoming.message_id is None:
        return
    if session is None or session.status != SessionStatus.OPEN:
        return
    desk = SessionDesk(ctx)
    if facts.edited:
        return await desk.edited(session, incoming.chat_id, incoming.message_id, incoming.words)
    media = incoming.media
    kind = "text" if media is None else media.kind
    file_id = None if media is None or not media.file_id else media.file_id
    # What she says is the circle's to keep if she is its facilitator or a member who has not
    # left; anyone else's messages (not in circlebot, not in this circle, gone from it) are counted.
    keeper = person if person is not None and (member or person.id == circle.facilitator_id) else None
    chat, message = incoming.chat_id, incoming.message_id
    await desk.contribute(session, keeper, chat, message, kind, incoming.words, file_id)


def _group_lang(turn: Turn, circle: Circle | None) -> str:
    return turn.lang if circle is None else context(turn).lang_of(circle)


async def _refuse(turn: Turn, circle: Circle | None, key: str, **fields: object) -> None:
    await refuse(turn, _group_lang(turn, circle), key, **fields)


async def _anonymous(turn: Turn, circle: Circle | None) -> bool:
    """Sent as the group itself: we cannot tell who, so she is asked to speak as herself."""
    if not _facts(turn).anonymous_admin:
        return False
    await _refuse(turn, circle, "circle.speak_as_yourself")
    return True


# --- /circle ---------------------------------------------------------------------------------------


async def circle_command(turn: Turn) -> None:
    circle = await this_groups_circle(turn)
    facts = _facts(turn)
    if not facts.sender_admin:
        return await _refuse(turn, circle, "circle.only_admins")
    await CircleSetup(context(turn)).circle_command(
        turn.incoming.chat_id, turn.me, bool(facts.bot_admin), _group_lang(turn, circle), facts.supergroup
    )


async def circle_refused(turn: Turn) -> None:
    circle = await this_groups_circle(turn)
    if not await _anonymous(turn, circle):
        await _refuse(turn, circle, "circle.only_facilitators")


# --- the session commands and the control buttons ----------------------------------------------------


async def control(turn: Turn, name: str) -> None:
    """/session, /next, /prev, /pause and /end, from the circle's facilitator."""
    ctx = context(turn)
    circle = await this_groups_circle(turn)
    assert circle is not None  # the rule found it
    facilitator = turn.me
    speaker = ctx.speaker(facilitator)
    if circle.status == CircleStatus.PAUSED:
        return await speaker.say("circle.bot_demoted", name=circle.name)
    desk = SessionDesk(ctx)
    session = await desk.running(circle)
    if name == "session":
        if session is not None and session.status == SessionStatus.PAUSED:
            return await desk.resume(circle, session)
        if session is not None:
            return await speaker.say("circle.already_running")
        scheduled = await turn.uow.circles.sessions_with(circle.id, (SessionStatus.SCHEDULED,))
        upcoming = scheduled[0] if scheduled else await ctx.schedule_next(circle, ctx.now)
        if upcoming is None:
            return await speaker.say("circle.no_session")
        return await desk.open(circle, upcoming)
    if session is None:
        return await speaker.say("circle.no_session")
    if name == "next":
        return await desk.move(circle, session, +1)
    if name == "prev" and session.segment == 0:
        return await speaker.say("circle.at_start")
    if name == "prev":
        return await desk.move(circle, session, -1)
    if name == "pause":
        return await desk.pause(circle, session)
    await desk.end(circle, session)


async def control_refused(turn: Turn) -> None:
    circle = await this_groups_circle(turn)
    if await _anonymous(turn, circle):
        return
    settled = circle is not None and circle.status != CircleStatus.SETUP
    await _refuse(turn, circle, "circle.only_facilitator" if settled else "circle.not_a_circle")


async def _notice(turn: Turn, text: str, url: str | None = None) -> None:
    """The small notice over the button she pressed."""
    await turn.out.answer_button(turn.incoming.chat_id, turn.incoming.callback_id or "", text, url=url)


async def press_control(turn: Turn, data: Control) -> None:
    session = await turn.uow.circles.session_by_id(data.session)
    circle = await this_groups_circle(turn)
    assert session is not None and circle is not None  # the rule found them
    if session.status not in RUNNING:  # a button of a session that has ended
        return await _notice(turn, context(turn).words(circle, "circle.no_session"))
    await _notice(turn, "✓")
    await control(turn, data.action)


async def control_press_refused(turn: Turn, data: Control) -> None:
    circle = await this_groups_circle(turn)
    session = await turn.uow.circles.session_by_id(data.session)
    if circle is None or session is None or session.circle_id != circle.id:
        return await _notice(turn, turn.label("button.expired"))
    await _refuse(turn, circle, "circle.only_facilitator")


# --- Join, "I'm here" and votes -----------------------------------------------------------------------------


async def join(turn: Turn, data: Join) -> None:
    incoming = turn.incoming
    await CircleSetup(context(turn)).join(
        data.circle, turn.person, incoming.sender.telegram_id, incoming.chat_id, incoming.callback_id or ""
    )


async def vote(turn: Turn, data: Vote) -> None:
    ctx = context(turn)
    circle = await this_groups_circle(turn)
    session = await turn.uow.circles.session_by_id(data.session)
    assert circle is not None and session is not None  # the rule found them
    text, proposer = await SessionDesk(ctx).vote(circle, session, turn.me, data.segment, data.option)
    about = disclosed(CASE_TITLE, [] if proposer is None else [proposer])  # a case's title
    await turn.out.answer_button(turn.incoming.chat_id, turn.incoming.callback_id or "", text, about=about)


async def here(turn: Turn, data: Here) -> None:
    """ "I'm here": her seat says so; only she is told, over the button (nothing is posted)."""
    circle = await this_groups_circle(turn)
    session = await turn.uow.circles.session_by_id(data.session)
    assert circle is not None and session is not None  # the rule found them
    await _notice(turn, await attendance.here(context(turn), circle, session, turn.me))


async def vote_refused(turn: Turn, data: Vote) -> None:
    await _join_first(turn, data.session, "circle.join_to_vote")


async def here_refused(turn: Turn, data: Here) -> None:
    await _join_first(turn, data.session, "circle.join_to_be_here")


async def _join_first(turn: Turn, session_id: int, key: str) -> None:
    """Someone not in the circle is asked to join first (with the link, if not in circlebot)."""
    ctx = context(turn)
    circle = await this_groups_circle(turn)
    session = await turn.uow.circles.session_by_id(session_id)
    if circle is None or session is None or session.circle_id != circle.id:
        return await _notice(turn, turn.label("button.expired"))
    telegram_id = turn.incoming.sender.telegram_id
    link = await membership.bound_link(ctx, circle, telegram_id) if turn.person is None else None
    await _notice(turn, ctx.words(circle, key), url=link)
