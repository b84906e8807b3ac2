"""The one door: every update, private or in a group, comes in here as one unit of work (the
processed update id, what she answered, the replies as outbox rows, committed together, so a
repeated update changes nothing and a crash loses nothing). It routes by what features declared
(services.core.registry) and knows none of them by name:

- a button is parsed by its kind's codec, then its rule is checked, then its feature runs;
- a command is checked against its rule; it closes her open prompt first (`/cancel` and
  `/skip` say what that prompt's kind says), and after its work the pending question comes again;
- her words answer her open prompt, else the flow she is in;
- when a prompt she had closes and she is free, what waits in her queue is asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flows.content import Content
from flows.run import Input, TextInput
from services.core import prompts, waiting
from services.core.buttons import parse, prefix_of
from services.core.moves import chat_moved
from services.core.outage import Outage
from services.core.outgoing import Outbox, Outgoing
from services.core.registry import Registry, Where
from services.core.speaker import Speaker
from services.core.turn import Incoming, Turn
from store.database import Database
from store.errors import is_store_error

log = logging.getLogger(__name__)


class ChatService:
    def __init__(
        self,
        db: Database,
        content: Content,
        timezone: str,
        clock: Callable[[], datetime],
        wake: Callable[[], None] = lambda: None,
        *,
        registry: Registry,  # every feature's declarations (services.features.registry_for)
        outage: Outage | None = None,  # what knows the store is down (bot.py shares it)
    ) -> None:
        self.db = db
        self.content = content
        self.timezone = timezone
        self.clock = clock
        self.wake = wake  # asks the scheduler for a tick now (a chart or a summary to prepare)
        self.registry = registry
        self.outage = outage or Outage(db.ping)

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Handle one update; returns the replies, committed and claimed, to send now (none
        for a repeated update). A store error leaves the update unmarked: held here, in its
        chat's turn, it is done again once the store answers (raised if the bot stops first)."""
        while True:
            await self.outage.back()
            try:
                return await self._handle(incoming)
            except Exception as error:
                if not is_store_error(error) or not self.outage.hold(error):
                    raise

    async def _handle(self, incoming: Incoming) -> list[Outgoing]:
        """An error of the work's own is answered with an apology, its type alone logged: its
        text (a statement's values) or traceback could carry her words."""
        now, lang = self.clock(), self._language(incoming)
        try:
            async with self.db.unit_of_work() as uow:
                if not await uow.updates.mark_processed(incoming.update_id, now):
                    return []
                out = Outbox(uow, now, f"update:{incoming.update_id}")
                turn = Turn(uow, out, self.content, self.registry, incoming, now, self.timezone, lang)
                await (self._private(turn) if incoming.private else self._group(turn))
                await uow.commit()
        except Exception as error:
            if is_store_error(error):
                raise
            log.error("update %s failed (%s)", incoming.update_id, type(error).__name__)
            return await self._apologise(incoming)
        if turn.erased:
            await self.db.checkpoint()
        if turn.wake_clock:
            self.wake()
        return out.claimed

    async def _apologise(self, incoming: Incoming) -> list[Outgoing]:
        """Her failed update, marked in a unit of work of its own (a repeat is not apologised
        for twice) and answered in her language in her private chat. Nothing is said in a
        group; someone in circlebot hears of it privately, a stranger there not at all."""
        now = self.clock()
        try:
            async with self.db.unit_of_work() as uow:
                if not await uow.updates.mark_processed(incoming.update_id, now):
                    return []
                person = await uow.people.get_by_telegram_id(incoming.sender.telegram_id)
                out = Outbox(uow, now, f"update:{incoming.update_id}")
                member = person is not None and person.consented_at is not None and not person.deactivated
                if incoming.private or member:
                    lang = (person.language if person else None) or self._language(incoming)
                    person_id = None if person is None else person.id
                    # her private chat's id is her own Telegram id
                    to_her = Speaker(out, self.content.catalog, lang, incoming.sender.telegram_id, person_id)
                    await to_her.say("error.something_went_wrong")
                await uow.commit()
        except Exception as error:
            if is_store_error(error):
                raise  # unmarked: done again once the store answers
            log.error("update %s: the apology failed too (%s)", incoming.update_id, type(error).__name__)
            return []
        return out.claimed

    def _language(self, incoming: Incoming) -> str:
        """Her Telegram app's language when it is one the program speaks, until she chooses."""
        code = (incoming.sender.language_code or "").split("-")[0].lower()
        languages = self.content.languages
        return code if code in languages.enabled else languages.default

    # --- private chat ----------------------------------------------------------------------------

    async def _private(self, turn: Turn) -> None:
        incoming = turn.incoming
        person = turn.person = await turn.uow.people.get_by_telegram_id(incoming.sender.telegram_id)
        if person is not None:
            if person.deactivated:
                return await turn.say("people.deactivated")
            if person.unreachable:  # (assigned only when it changes: a clean session needs no flush)
                person.unreachable = False  # any update from her means Telegram delivers again
            turn.lang = person.language or turn.lang
        had_prompt = person is not None and person.awaiting is not None  # what waits may follow it
        if person is not None:
            prompts.drop_lapsed(person, turn.now)
        if incoming.callback is not None:
            await self._press(turn, "private", incoming.callback)
        elif person is None:
            await self._stranger(turn)
        elif person.language is None:
            await self._unsettled(turn)
        elif incoming.command is not None:
            await self._command(turn, incoming.command)
        else:
            await self._words(turn)
        if had_prompt and person is not None and await waiting.is_free(turn.uow, person, turn.now):
            await turn.conversation().start_waiting()

    async def _stranger(self, turn: Turn) -> None:
        """Someone not in circlebot: only what admits strangers (an invite) is for her."""
        command = turn.registry.command("private", turn.incoming.command or "")
        if command is not None and command.rule.strangers:
            return await command.run(turn)
        await turn.say("invite.none")

    async def _unsettled(self, turn: Turn) -> None:
        if turn.registry.unsettled is not None:
            await turn.registry.unsettled(turn)

    async def _command(self, turn: Turn, name: str) -> None:
        """An unknown or refused command changes nothing (her open prompt stays open); one she
        may use closes that prompt first: she chose to do something else."""
        person = turn.me
        command = turn.registry.command("private", name)
        allowed = command is not None and await command.rule.allows(turn)
        repeats = not allowed or command is None or command.repeats_question
        run = await turn.uow.runs.active_for(person.id) if repeats else None  # her question, to repeat
        if command is None:
            await turn.say("chat.unknown_command")
        elif not allowed:
            await (command.refuse(turn) if command.refuse else turn.say("chat.not_allowed"))
        else:
            prompt = prompts.current(person, turn.now)
            prompts.close(person)
            answers = None if prompt is None else turn.registry.answers.get(prompt.kind)
            closing = None if answers is None else {"cancel": answers.cancel, "skip": answers.skip}.get(name)
            if prompt is not None and closing is not None:
                return await closing(turn, prompt)
            await command.run(turn)
            if not command.repeats_question or prompts.current(person, turn.now) is not None:
                return  # it asks something itself: the flow's question would be in the way
        await turn.conversation().repeat_question(run)

    async def _words(self, turn: Turn) -> None:
        """Her words (or a photo, a voice note) answer her open prompt, else her flow."""
        incoming, person = turn.incoming, turn.me
        prompt = prompts.current(person, turn.now)
        answers = None if prompt is None else turn.registry.answers.get(prompt.kind)
        if prompt is not None and answers is not None and (incoming.text is not None or prompt.takes_media):
            turn.prompt = prompt
            prompts.heard(person, prompt, turn.now)
            return await answers.run(turn, prompt)
        given: Input | None = TextInput(incoming.text) if incoming.text is not None else incoming.media
        run = await turn.uow.runs.active_for(person.id)
        if run is None or given is None:
            return await turn.say("chat.nothing_active")
        await turn.conversation().advance(run, given)

    # --- buttons, wherever they are ----------------------------------------------------------------

    async def _press(self, turn: Turn, where: Where, data: str) -> None:
        """A button runs only when its payload parses as its kind and its rule admits the presser:
        a forged, stale or foreign one is answered as expired and changes nothing."""
        kind = turn.registry.buttons.get(prefix_of(data))
        parsed = None if kind is None or kind.where != where else parse(kind.data, data)
        person = turn.person
        if person is None and where == "private" and (kind is None or not kind.rule.strangers):
            return await turn.say("invite.none")
        if kind is None or parsed is None:
            return await self._expired(turn, where)
        if (
            where == "private"
            and person is not None
            and person.language is None
            and not kind.rule.before_language
        ):
            return await self._unsettled(turn)
        if not await kind.rule.allows(turn, parsed):
            return await (kind.refuse(turn, parsed) if kind.refuse else self._expired(turn, where))
        await kind.run(turn, parsed)

    async def _expired(self, turn: Turn, where: Where) -> None:
        if where == "private":
            return await turn.say("button.expired")
        incoming = turn.incoming
        await turn.out.answer_button(
            incoming.chat_id, incoming.callback_id or "", turn.label("button.expired")
        )

    # --- groups ------------------------------------------------------------------------------------

    async def _group(self, turn: Turn) -> None:
        """A group is a learning circle's: someone there counts as a person only once she has
        joined and consented (nothing of anyone else's is kept)."""
        incoming, facts = turn.incoming, turn.incoming.group
        if facts is not None and facts.moved is not None:
            return await chat_moved(turn.uow, *facts.moved)
        group = turn.registry.group
        if group is None:
            return
        person = await turn.uow.people.get_by_telegram_id(incoming.sender.telegram_id)
        if facts is not None and (facts.bot_status is not None or facts.member is not None):
            return await group(turn)
        if person is not None and person.deactivated and incoming.callback is not None:
            return await self._expired(turn, "group")  # her access is paused: no button does anything
        if person is not None and (person.deactivated or person.consented_at is None):
            person = None
        turn.person = person
        if incoming.callback is not None:
            return await self._press(turn, "group", incoming.callback)
        command = None if incoming.command is None else turn.registry.command("group", incoming.command)
        if command is None:
            return await group(turn)
        if not await command.rule.allows(turn):
            if command.refuse is not None:
                await command.refuse(turn)
            return
        await command.run(turn)
