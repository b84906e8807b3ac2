"""A group update, routed: the bot's and members' status changes, /circle and the session
commands, the buttons under the bot's posts, and what members say during a session.

Only the circle's facilitator moves a session on; anyone else gets a kind word, privately when
circlebot can reach her, else as the small notice over the button she pressed."""

from __future__ import annotations

from dataclasses import dataclass

from flows.run import MediaInput
from flows.spec import CIRCLE_COMMANDS
from services.circle_context import CircleContext, GroupFacts
from services.circle_sessions import SessionDesk
from services.circle_setup import CircleSetup
from store.models import Circle, Person


@dataclass(frozen=True)
class GroupUpdate:
    chat_id: int
    telegram_id: int
    facts: GroupFacts
    lang: str  # the sender's Telegram language, for someone not in circlebot
    text: str | None = None
    command: str | None = None
    callback: str | None = None
    callback_id: str | None = None
    message_id: int | None = None
    media: MediaInput | None = None
    private_commands: frozenset[str] = frozenset()  # what works in the private chat only


class CircleGroup:
    def __init__(self, ctx: CircleContext, update: GroupUpdate) -> None:
        self.ctx = ctx
        self.uow = ctx.uow
        self.update = update
        self.setup = CircleSetup(ctx)
        self.desk = SessionDesk(ctx)

    async def route(self) -> None:
        update, facts = self.update, self.update.facts
        if facts.bot_status is not None:
            return await self.setup.bot_status(update.chat_id, facts.bot_status)
        if facts.member is not None:
            return await self.setup.member_changed(update.chat_id, *facts.member)
        person = await self.uow.people.get_by_telegram_id(update.telegram_id)
        if person is not None and (person.deactivated or person.consented_at is None):
            person = None  # not (or no longer) in circlebot: nothing of hers is kept
        circle, session = await self.uow.circles.with_running(update.chat_id)
        if update.callback is not None:
            return await self._button(circle, person, update.callback)
        if update.command is not None:
            return await self._command(circle, person, update.command)
        if circle is None or circle.status != "active" or update.message_id is None:
            return
        if session is None or session.status != "open":
            return
        if facts.edited:
            return await self.desk.edited(session, update.message_id, update.text)
        media = update.media
        kind = "text" if media is None else media.kind
        text = update.text if media is None else (media.meta or {}).get("caption")
        file_id = None if media is None or not media.file_id else media.file_id
        await self.desk.contribute(session, person, update.message_id, kind, text, file_id)

    def _group_lang(self, circle: Circle | None) -> str:
        return self.update.lang if circle is None else self.ctx.lang_of(circle)

    async def _command(self, circle: Circle | None, person: Person | None, name: str) -> None:
        update, catalog = self.update, self.ctx.content.catalog
        if name not in CIRCLE_COMMANDS:
            if person is not None and name in update.private_commands:
                await self.ctx.speaker(person).say("circle.private_only", command=name)
            return
        if update.facts.anonymous_admin:
            return await self.ctx.out.send(
                update.chat_id, catalog.say(self._group_lang(circle), "circle.speak_as_yourself")
            )
        if name == "circle":
            return await self.setup.circle_command(
                update.chat_id,
                person,
                bool(update.facts.sender_admin),
                bool(update.facts.bot_admin),
                self._group_lang(circle),
            )
        if circle is None or circle.status == "setup":
            return await self.ctx.out.send(
                update.chat_id, catalog.say(self._group_lang(circle), "circle.not_a_circle")
            )
        if person is None or person.id != circle.facilitator_id:
            return await self._not_yours(circle, person)
        await self._control(circle, person, name)

    async def _not_yours(self, circle: Circle, person: Person | None) -> None:
        if self.update.callback_id is not None:
            return await self.ctx.out.answer_button(
                circle.chat_id, self.update.callback_id, self.ctx.words(circle, "circle.only_facilitator")
            )
        if person is not None:
            return await self.ctx.speaker(person).say("circle.only_facilitator")
        await self.ctx.post(circle, self.ctx.words(circle, "circle.only_facilitator"))

    async def _control(self, circle: Circle, facilitator: Person, name: str) -> None:
        speaker = self.ctx.speaker(facilitator)
        if circle.status == "paused":
            return await speaker.say("circle.bot_demoted", name=circle.name)
        session = await self.desk.running(circle)
        if name == "session":
            if session is not None and session.status == "paused":
                return await self.desk.resume(circle, session)
            if session is not None:
                return await speaker.say("circle.already_running")
            scheduled = await self.uow.circles.sessions_with(circle.id, ("scheduled",))
            upcoming = scheduled[0] if scheduled else await self.ctx.schedule_next(circle, self.ctx.now)
            if upcoming is None:
                return await speaker.say("circle.no_session")
            return await self.desk.open(circle, upcoming)
        if session is None:
            return await speaker.say("circle.no_session")
        if name == "next":
            return await self.desk.move(circle, session, +1)
        if name == "prev" and session.segment == 0:
            return await speaker.say("circle.at_start")
        if name == "prev":
            return await self.desk.move(circle, session, -1)
        if name == "pause":
            return await self.desk.pause(circle, session)
        await self.desk.end(circle, session)

    async def _button(self, circle: Circle | None, person: Person | None, data: str) -> None:
        update, ctx = self.update, self.ctx
        kind, _, rest = data.partition(":")
        callback_id = update.callback_id or ""
        if kind == "cj":
            return await self.setup.join(rest, person, update.chat_id, callback_id)
        session_id, _, rest = rest.partition(":")
        session = await self.uow.circles.session_by_id(int(session_id)) if session_id.isdecimal() else None
        if circle is None or session is None or session.circle_id != circle.id:
            return await ctx.out.answer_button(
                update.chat_id, callback_id, ctx.content.catalog.say(self.update.lang, "button.expired")
            )
        if kind == "cf" and rest in ("prev", "pause", "next"):
            if person is None or person.id != circle.facilitator_id:
                return await self._not_yours(circle, person)
            if session.status not in ("open", "paused"):  # a button of a session that has ended
                return await ctx.out.answer_button(
                    circle.chat_id, callback_id, ctx.words(circle, "circle.no_session")
                )
            await ctx.out.answer_button(circle.chat_id, callback_id, "✓")
            return await self._control(circle, person, rest)
        if kind == "cv":
            segment, _, option = rest.partition(":")
            if person is None or not await self._member(circle, person):
                link = await self.setup.invite_link(circle) if person is None else None
                return await ctx.out.answer_button(
                    circle.chat_id, callback_id, ctx.words(circle, "circle.join_to_vote"), url=link
                )
            notice = await self.desk.vote(
                circle, session, person, int(segment) if segment.isdecimal() else -1, option
            )
            return await ctx.out.answer_button(circle.chat_id, callback_id, notice)
        await ctx.out.answer_button(circle.chat_id, callback_id, ctx.words(circle, "button.expired"))

    async def _member(self, circle: Circle, person: Person) -> bool:
        member = await self.uow.circles.membership(circle.id, person.id)
        return member is not None and member.left_at is None
