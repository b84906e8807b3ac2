"""Turning a Telegram group into a learning circle, and who belongs to it.

/circle in the group, from a facilitator who is an admin there, with the bot an admin (so it
sees members' messages and who leaves); the questions then go to her private chat, to keep the
group quiet: name, language, template set, the day and time it meets. The group then gets a
Join button: members are those who tap it; someone not yet in circlebot gets a one-tap link
of her own to this circle (services.circles.membership): it makes her no team's member.
Leaving the group leaves the circle; the bot removed or demoted pauses the circle until it is an
admin again."""

from __future__ import annotations

from datetime import time

from flows.bounds import NAME_LIMIT
from flows.i18n import CIRCLE_HISTORY, CIRCLE_PAUSED, DAY_NAMES
from flows.schedules import DAYS
from services.circles import membership
from services.circles.buttons import Join, SetUpAsk, SetUpChoice
from services.circles.context import CircleContext
from services.circles.sessions import SessionDesk
from services.core.prompts import close, open_prompt
from services.core.speaker import Speaker
from services.core.turn import GONE, MemberStatus
from services.settings.dialog import read_clock
from store.models import Circle, Person
from store.statuses import CircleStatus, SessionStatus


class CircleSetup:
    def __init__(self, ctx: CircleContext) -> None:
        self.ctx = ctx
        self.uow = ctx.uow

    # --- in the group -----------------------------------------------------------------------

    async def circle_command(
        self, chat_id: int, person: Person, bot_admin: bool, group_lang: str, supergroup: bool
    ) -> None:
        """/circle from a facilitator who is an admin of the group (the refusals before that are
        services.circles.group's); each refusal here says what is wrong and changes nothing. She
        is told first how the group's history reaches members who join later: a supergroup may
        show them earlier sessions' words, and a basic group that shows its history becomes a
        supergroup (Telegram converts it)."""
        catalog, ctx = self.ctx.content.catalog, self.ctx
        circle = await self.uow.circles.by_chat(chat_id)
        speaker = ctx.speaker(person)
        if circle is not None and (circle.status != CircleStatus.SETUP or circle.facilitator_id != person.id):
            return await speaker.say("circle.already", name=circle.name or "…")
        if not bot_admin:
            return await speaker.say("circle.make_me_admin")
        if circle is None:
            circle = await self.uow.circles.add(chat_id, person.id, person.team_id, ctx.now)
        open_prompt(person, SetUpAsk(circle.id, "name"), ctx.now)
        await ctx.out.send(chat_id, catalog.say(group_lang, "circle.setting_up"))
        await speaker.say(CIRCLE_HISTORY.key("supergroup" if supergroup else "group"))
        await speaker.say("circle.ask_name")

    async def bot_status(self, chat_id: int, status: str) -> None:
        """The bot's own rights changed: it cannot run a circle without being an admin."""
        circle = await self.uow.circles.by_chat(chat_id)
        if circle is None:
            return
        facilitator = await self.ctx.facilitator(circle)
        if status == MemberStatus.ADMINISTRATOR:
            if circle.paused is None:
                return
            circle.paused = None
            if circle.status == CircleStatus.PAUSED:
                circle.status = CircleStatus.ACTIVE
            if facilitator is not None:
                await self.ctx.speaker(facilitator).say("circle.resumed", name=circle.name)
            return
        circle.paused = "removed" if status in GONE else "demoted"
        if circle.status == CircleStatus.ACTIVE:
            circle.status = CircleStatus.PAUSED
        desk = SessionDesk(self.ctx)
        running = await desk.running(circle)
        if running is not None:
            running.status, running.due_at = SessionStatus.PAUSED, None
        if facilitator is not None:
            await self.ctx.speaker(facilitator).say(CIRCLE_PAUSED.key(circle.paused), name=circle.name or "…")

    async def member_changed(self, chat_id: int, telegram_id: int, status: str) -> None:
        if status not in GONE:
            return
        circle = await self.uow.circles.by_chat(chat_id)
        person = await self.uow.people.get_by_telegram_id(telegram_id)
        if circle is None or person is None:
            return
        member = await self.uow.circles.membership(circle.id, person.id)
        if member is not None and member.left_at is None:
            member.left_at = self.ctx.now

    async def join(
        self, circle_id: int, person: Person | None, telegram_id: int, chat_id: int, callback_id: str
    ) -> None:
        """The Join button: a member at once; someone new opens the bot by a link of her own
        that joins her to circlebot and to this circle, and to no team."""
        circle = await self.uow.circles.get(circle_id)
        out, words = self.ctx.out, self.ctx.words
        if circle is None or circle.chat_id != chat_id or circle.status != CircleStatus.ACTIVE:
            return await out.answer_button(chat_id, callback_id, self._group_words(circle, "circle.not_open"))
        if person is None or person.consented_at is None:
            link = await membership.bound_link(self.ctx, circle, telegram_id)
            return await out.answer_button(chat_id, callback_id, words(circle, "circle.join_first"), url=link)
        if not await self.uow.circles.join(circle.id, person.id, self.ctx.now):
            return await out.answer_button(chat_id, callback_id, words(circle, "circle.already_member"))
        await out.answer_button(chat_id, callback_id, words(circle, "circle.joined_notice", name=circle.name))
        await self.welcome(circle, person, self.ctx.speaker(person))
        await membership.joined(self.ctx, circle, person)

    def _group_words(self, circle: Circle | None, key: str) -> str:
        if circle is not None:
            return self.ctx.words(circle, key)
        return self.ctx.content.catalog.say(self.ctx.content.languages.default, key)

    async def welcome(self, circle: Circle, person: Person, speaker: Speaker) -> None:
        scheduled = await self.uow.circles.sessions_with(circle.id, (SessionStatus.SCHEDULED,))
        when = self.ctx.when(circle, scheduled[0].starts_at, speaker.lang) if scheduled else "—"
        await speaker.say("circle.welcome", name=circle.name, when=when)

    # --- the private set-up dialog ------------------------------------------------------------

    async def receive(self, person: Person, speaker: Speaker, prompt: SetUpAsk, text: str) -> None:
        """The name, then the time (the other answers are buttons)."""
        circle = await self.uow.circles.get(prompt.circle)
        if circle is None or circle.facilitator_id != person.id or circle.status != CircleStatus.SETUP:
            close(person)
            return await speaker.say("button.expired")
        if prompt.ask == "name":
            name = " ".join(text.split())
            if not name:
                return await speaker.say("circle.ask_name")
            if len(name) > NAME_LIMIT:  # the group reads it on every post and in the join notice
                return await speaker.say("circle.too_long", given=len(name), most=NAME_LIMIT)
            circle.name = name
            open_prompt(person, SetUpAsk(circle.id, "language"), self.ctx.now)
            return await self._ask_language(circle, speaker)
        if prompt.ask == "time":
            at = read_clock(text)
            if at is None:
                return await speaker.say("circle.bad_time")
            return await self._finish(circle, person, speaker, at)
        await speaker.say("circle.use_buttons")

    async def press(self, person: Person, speaker: Speaker, data: SetUpChoice) -> None:
        """Her circle in set-up (the rule checked it is hers): its language, set and day."""
        circle = await self.uow.circles.get(data.circle)
        content, what, value = self.ctx.content, data.what, data.value
        if circle is None:
            return await speaker.say("button.expired")
        if what == "lang" and value in content.languages.enabled:
            circle.language = value
            return await self._ask_set(circle, speaker)
        if what == "set" and self.ctx.circles.set(value) is not None:
            circle.set_id = value
            buttons = [
                [(speaker.label(DAY_NAMES.key(day)), SetUpChoice(circle.id, "day", day).encode())]
                for day in DAYS
            ]
            return await speaker.say("circle.ask_day", buttons)
        if what == "day" and value in DAYS:
            circle.meets_on = value
            circle.timezone = person.timezone or self.ctx.timezone
            open_prompt(person, SetUpAsk(circle.id, "time"), self.ctx.now)
            return await speaker.say("circle.ask_time", zone=circle.timezone)
        await speaker.say("button.expired")

    async def _ask_language(self, circle: Circle, speaker: Speaker) -> None:
        languages = self.ctx.content.languages
        buttons = [
            [
                (languages.languages[code].name, SetUpChoice(circle.id, "lang", code).encode())
                for code in languages.enabled
            ]
        ]
        await speaker.say("circle.ask_language", buttons)

    async def _ask_set(self, circle: Circle, speaker: Speaker) -> None:
        catalog = self.ctx.content.catalog
        buttons = [
            [(catalog.pick(one.title, speaker.lang), SetUpChoice(circle.id, "set", one.id).encode())]
            for one in self.ctx.circles.sets
        ]
        await speaker.say("circle.ask_set", buttons)

    async def _finish(self, circle: Circle, person: Person, speaker: Speaker, at: time) -> None:
        """The circle is ready: its first meeting is scheduled and the group gets the Join button."""
        if circle.language is None or circle.set_id is None or circle.meets_on is None:
            return await speaker.say("circle.use_buttons")
        close(person)
        circle.meets_at, circle.status = at, CircleStatus.ACTIVE
        first = await self.ctx.schedule_next(circle, self.ctx.now)
        when = "—" if first is None else self.ctx.when(circle, first.starts_at)
        day = self.ctx.words(circle, DAY_NAMES.key(circle.meets_on))
        join = [[(self.ctx.words(circle, "circle.button.join"), Join(circle.id).encode())]]
        await self.ctx.post(
            circle,
            self.ctx.words(circle, "circle.ready", name=circle.name, day=day, time=f"{at:%H:%M}", when=when),
            join,
        )
        await speaker.say("circle.set_up", name=circle.name, when=when)
