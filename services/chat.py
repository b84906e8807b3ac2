"""A private chat with circlebot: one update in, one unit of work, outbox rows out.

Each update is handled in one transaction: the processed update id, the person's answers, the
run's new state and the replies (as outbox rows) are committed together, so a repeated update
changes nothing and a crash loses nothing. The adapter sends the returned rows after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.content import Content
from flows.run import (
    ButtonInput,
    CommandInput,
    Input,
    MediaInput,
    RunState,
    TextInput,
)
from flows.spec import BUILT_IN_COMMANDS, CIRCLE_COMMANDS, Flow
from services import invites, timekeeper
from services.away import AwayDialog
from services.bot_identity import USERNAME_KEY
from services.bulletin_dialog import BulletinDialog
from services.circle_context import CircleContext, GroupFacts
from services.circle_group import CircleGroup, GroupUpdate
from services.circle_private import AWAITING as CIRCLE_AWAITING
from services.circle_private import CirclePrivate
from services.circle_setup import SETUP, CircleSetup
from services.conversation import Conversation
from services.errors import Refused
from services.outgoing import ButtonRows, Outbox, Outgoing
from services.pdsa import PDSA_ROLES, PdsaDialog
from services.settings_dialog import SettingsDialog
from services.sharing import Sharing
from services.speaker import Speaker
from store.database import Database
from store.models import FlowRun, Invite, Person
from store.uow import UnitOfWork

INVITE_DAYS = 7
FLOW_COMMANDS = ("cancel", "back", "skip")
# Answered in the group with "that works in our private chat" (/start there is for other bots too).
PRIVATE_COMMANDS = frozenset(BUILT_IN_COMMANDS) - {"start", *CIRCLE_COMMANDS}


@dataclass(frozen=True)
class Sender:
    telegram_id: int
    name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One Telegram update, as the use case needs it (the adapter translates)."""

    update_id: int
    chat_id: int
    sender: Sender
    private: bool = True
    text: str | None = None
    command: str | None = None
    argument: str = ""
    callback: str | None = None
    message_id: int | None = None  # the message whose button was pressed, or a group message
    media: MediaInput | None = None
    callback_id: str | None = None
    group: GroupFacts | None = None  # what Telegram told of a group update


class ChatService:
    def __init__(
        self,
        db: Database,
        content: Content,
        timezone: str,
        clock: Callable[[], datetime],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.content = content
        self.timezone = timezone
        self.clock = clock
        self.wake = wake  # asks the scheduler for a tick now (a /summary to prepare)
        self.by_command = {flow.command: flow for flow in content.flows.values() if flow.command}

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Handle one update; returns the replies, committed and claimed, to send now (none
        for a repeated update)."""
        now = self.clock()
        async with self.db.unit_of_work() as uow:
            if not await uow.updates.mark_processed(incoming.update_id, now):
                return []
            out = Outbox(uow, now, f"update:{incoming.update_id}")
            turn = _Turn(self, uow, out, incoming, now)
            if incoming.private:
                await turn.route()
            elif self.content.circles is not None:  # groups are for learning circles
                await turn.route_group()
            await uow.commit()
        if turn.wake:
            self.wake()
        return out.claimed


class _Turn:
    """The work of one update, inside its unit of work."""

    def __init__(
        self, chat: ChatService, uow: UnitOfWork, out: Outbox, incoming: Incoming, now: datetime
    ) -> None:
        self.chat = chat
        self.catalog = chat.content.catalog
        self.uow = uow
        self.out = out
        self.incoming = incoming
        self.now = now
        self.lang = self._telegram_language()
        self.person: Person | None = None
        self.wake = False  # the clock has work for this update (after its commit)

    # --- routing ---------------------------------------------------------------------------

    async def route(self) -> None:
        self.person = await self.uow.people.get_by_telegram_id(self.incoming.sender.telegram_id)
        if self.person is None:
            return await self._stranger()
        person = self.person
        if person.deactivated:
            return await self._say("people.deactivated")
        if person.unreachable:
            person.unreachable = False  # any update from her means Telegram delivers again
        self.lang = person.language or self.lang
        if self.incoming.callback is not None:
            return await self._on_button(self.incoming.callback)
        if person.language is None:
            return await self._ask_language()
        if self.incoming.command is not None:
            waiting, person.awaiting = person.awaiting or {}, None
            if self.incoming.command == "cancel" and "bulletin" in waiting:  # as the prompts promised
                return await self._say("bulletin.cancelled")
            if self.incoming.command == "cancel" and "settings" in waiting:
                return await self._say("settings.kept", zone=person.timezone or self.chat.timezone)
            if self.incoming.command == "cancel" and "away" in waiting:
                return await self._say("away.kept")
            if self.incoming.command == "cancel" and "pdsa" in waiting:
                return await self._say("pdsa.cancelled")
            if self.incoming.command == "cancel" and waiting.keys() & {SETUP, *CIRCLE_AWAITING}:
                return await self._say("circle.cancelled")
            if self.incoming.command == "skip" and "circle_comment" in waiting:
                return await self._say("circle.comment_thanks")
            return await self._on_command(self.incoming.command)
        if person.awaiting and "settings" in person.awaiting and self.incoming.text is not None:
            return await self._settings().receive(self.incoming.text)
        if person.awaiting and "away" in person.awaiting and self.incoming.text is not None:
            return await self._away().receive(self.incoming.text)
        if person.awaiting and "pdsa" in person.awaiting and self.incoming.text is not None:
            return await self._pdsa().receive(self.incoming.text)
        if person.awaiting and SETUP in person.awaiting and self.incoming.text is not None:
            return await CircleSetup(self._circle_context()).receive(
                person, self._speaker(), self.incoming.text
            )
        if (
            person.awaiting
            and person.awaiting.keys() & set(CIRCLE_AWAITING)
            and self.incoming.text is not None
        ):
            return await self._circle_private().receive(self.incoming.text)
        if person.awaiting and "bulletin" in person.awaiting:
            return await self._bulletin().receive(self.incoming.text, self.incoming.media)
        if person.awaiting and self.incoming.text is not None:
            return await self._sharing().deliver_reply(person, person.awaiting, self.incoming.text)
        run = await self.uow.runs.active_for(person.id)
        given: Input | None = self.incoming.media
        if self.incoming.text is not None:
            given = TextInput(self.incoming.text)
        if run is None or given is None:
            return await self._say("chat.nothing_active")
        await self._advance(run, given)

    def _circle_context(self) -> CircleContext:
        bulk = Outbox(self.uow, self.now, f"{self.out.key}:queued", interactive=False)
        return CircleContext(self.uow, self.chat.content, self.out, bulk, self.now, self.chat.timezone)

    def _circle_private(self) -> CirclePrivate:
        return CirclePrivate(self._circle_context(), self._require_person(), self._speaker())

    async def route_group(self) -> None:
        incoming = self.incoming
        update = GroupUpdate(
            incoming.chat_id,
            incoming.sender.telegram_id,
            incoming.group or GroupFacts(),
            self.lang,
            text=incoming.text,
            command=incoming.command,
            callback=incoming.callback,
            callback_id=incoming.callback_id,
            message_id=incoming.message_id,
            media=incoming.media,
            private_commands=frozenset(self.chat.by_command) | PRIVATE_COMMANDS,
        )
        await CircleGroup(self._circle_context(), update).route()

    def _telegram_language(self) -> str:
        code = (self.incoming.sender.language_code or "").split("-")[0].lower()
        languages = self.chat.content.languages
        return code if code in languages.enabled else languages.default

    def _speaker(self) -> Speaker:
        """To the person in this chat, in her language as it stands now."""
        return Speaker(self.out, self.catalog, self.lang, self.incoming.chat_id, self._person_id())

    async def _say(self, key: str, buttons: ButtonRows = (), **fields: object) -> None:
        await self._speaker().say(key, buttons, **fields)

    async def _send(self, text: str, buttons: ButtonRows = ()) -> None:
        await self._speaker().send(text, buttons)

    def _person_id(self) -> int | None:
        return None if self.person is None else self.person.id

    def _label(self, key: str, **fields: object) -> str:
        return self._speaker().label(key, **fields)

    # --- joining ---------------------------------------------------------------------------

    async def _stranger(self) -> None:
        """Nothing about a person is stored before she consents."""
        incoming = self.incoming
        if incoming.command == "start" and incoming.argument:
            invite = await self.uow.invites.get(incoming.argument)
            problem = invites.why_unusable(invite, self.now)
            if problem is not None:
                return await self._say(problem)
            buttons = [
                [(self._label("button.agree"), f"ok:{incoming.argument}")],
                [(self._label("button.decline"), "no")],
            ]
            return await self._say("onboarding.privacy", buttons)
        if incoming.callback is not None and incoming.callback.startswith("ok:"):
            return await self._join(incoming.callback.removeprefix("ok:"))
        if incoming.callback == "no":
            return await self._say("onboarding.declined")
        await self._say("invite.none")

    async def _join(self, code: str) -> None:
        invite = await self.uow.invites.redeem(code, self.now)
        if invite is None:
            return await self._say(
                invites.why_unusable(await self.uow.invites.get(code), self.now) or "invite.unknown"
            )
        sender = self.incoming.sender
        person = await self.uow.people.add(
            sender.telegram_id,
            sender.name,
            self.now,
            username=sender.username,
            roles=[invite.role],
            team_id=invite.team_id,
        )
        person.consented_at = self.now
        self.person = person
        await self._take_up_supervision(person, invite)
        await self._join_circle(person, invite)
        await self._ask_language()

    async def _take_up_supervision(self, person: Person, invite: Invite) -> None:
        """A supervisor's invite to a team without one makes her its supervisor, and the
        reflections others shared while it had none reach her now."""
        if invite.role != "supervisor" or invite.team_id is None:
            return
        team = await self.uow.teams.get(invite.team_id)
        if team is not None and team.supervisor_id is None:
            team.supervisor_id = person.id
            person.team_id = team.id
            for share in await self.uow.shares.undelivered(team.id):
                if share.person_id != person.id:
                    await self._sharing().deliver(share, person)

    async def _join_circle(self, person: Person, invite: Invite) -> bool:
        """An invite from a learning circle's Join button makes her one of its members."""
        circle = None if invite.circle_id is None else await self.uow.circles.get(invite.circle_id)
        if circle is None or not await self.uow.circles.join(circle.id, person.id, self.now):
            return False
        await self._say("circle.joined_by_link", name=circle.name)
        return True

    async def _another_invite(self, person: Person, code: str) -> None:
        """An invite opened by someone already here adds its role (a home visitor who becomes a
        supervisor keeps her history); it is used up only when it changes something."""
        invite = await self.uow.invites.get(code)
        problem = invites.why_unusable(invite, self.now)
        if problem is not None or invite is None:
            return await self._say(problem or "invite.unknown")
        if invite.circle_id is not None and await self._join_circle(person, invite):
            return
        if person.team_id is not None and invite.team_id not in (None, person.team_id):
            return await self._say("start.other_team")
        if invite.role in person.role_names:
            await self._say("start.already")
            return await self._help()
        if await self.uow.invites.redeem(code, self.now) is None:  # used up by someone else just now
            return await self._say(invites.why_unusable(invite, self.now) or "invite.used_up")
        await self.uow.people.add_role(person, invite.role)
        person.team_id = person.team_id or invite.team_id
        await self._take_up_supervision(person, invite)
        await self._say("start.role_added", role=self._label(f"role.{invite.role}"))
        await self.out.menu(self.incoming.chat_id, self._commands(), self._person_id())

    async def _ask_language(self) -> None:
        languages = self.chat.content.languages
        buttons = [[(languages.languages[code].name, f"lang:{code}") for code in languages.enabled]]
        await self._say("onboarding.choose_language", buttons)

    async def _set_language(self, code: str) -> None:
        person = self._require_person()
        if code not in self.chat.content.languages.enabled:
            return await self._say("button.expired")
        first_time = person.language is None
        person.language = self.lang = code
        run = await self.uow.runs.active_for(person.id)
        if run is not None:
            state = RunState.from_json(run.state).evolve(lang=code)
            run.state = state.to_json()
        await self._say("language.set")
        if first_time:
            role = self._label(f"role.{sorted(person.role_names)[0]}")
            await self._say("onboarding.welcome", name=person.name, role=role)
            await self._help()
        await self.out.menu(self.incoming.chat_id, self._commands(), self._person_id())
        await self._repeat_question(run)

    # --- commands and help -----------------------------------------------------------------

    def _require_person(self) -> Person:
        assert self.person is not None
        return self.person

    def _allowed_flows(self) -> list[Flow]:
        roles = self._require_person().role_names
        return [flow for flow in self.chat.by_command.values() if roles & set(flow.for_roles)]

    def _commands(self) -> list[tuple[str, str]]:
        """What this person may do, in her language: her menu and her /help."""
        commands = [
            (flow.command or "", self.catalog.pick(flow.title, self.lang)) for flow in self._allowed_flows()
        ]
        if self._may_improve():
            commands += [(name, self._label(f"command.{name}")) for name in ("pdsa", "log", "note")]
        if "supervisor" in self._require_person().role_names:
            commands += [(name, self._label(f"command.{name}")) for name in ("summary", "invite", "bulletin")]
        commands += [
            (name, self._label(f"command.{name}"))
            for name in ("away", "language", "settings", "cancel", "help")
        ]
        return commands

    async def _help(self) -> None:
        lines = [self._label("help.intro"), *(f"/{name} — {about}" for name, about in self._commands())]
        await self._send(self.catalog.lay_out(self.lang, "\n".join(lines)))

    async def _on_command(self, name: str) -> None:
        person = self._require_person()
        run = await self.uow.runs.active_for(person.id)
        if name in FLOW_COMMANDS:
            if run is None:
                return await self._say("chat.nothing_active")
            return await self._advance(run, CommandInput(name))  # type: ignore[arg-type]
        flow = self.chat.by_command.get(name)
        if flow is not None:
            return await self._start_command(flow, run)
        if name == "start" and self.incoming.argument:
            await self._another_invite(person, self.incoming.argument)
        elif name == "start":
            await self._say("start.already")
            await self._help()
        elif name == "help":
            await self._help()
        elif name == "language":
            return await self._ask_language()
        elif name == "invite":
            await self._invite(1, INVITE_DAYS)
        elif name == "bulletin":
            return await self._bulletin().start()
        elif name == "settings":
            return await self._settings().start()
        elif name == "away":
            await self._away().start(self.incoming.argument)
            if person.awaiting:  # it asks for a date: the flow's question would be in the way
                return
        elif name in ("pdsa", "log", "note") and not self._may_improve():
            await self._say("chat.not_allowed")
        elif name in ("pdsa", "log", "note"):
            dialog = self._pdsa()
            await {"pdsa": dialog.command, "log": dialog.log, "note": dialog.note}[name](
                self.incoming.argument
            )
            if person.awaiting:  # it asks for a value or a note: the flow's question would be in the way
                return
        elif name == "snooze":
            await self._snooze()
        elif name == "summary":
            await self._summary()
        elif name in CIRCLE_COMMANDS:
            await self._say("circle.in_group", command=name)
        else:
            await self._say("chat.unknown_command")
        await self._repeat_question(run)

    async def _start_command(self, flow: Flow, run: FlowRun | None) -> None:
        if flow not in self._allowed_flows():
            await self._say("chat.not_allowed")
            return await self._repeat_question(run)
        if run is not None:
            current = self.chat.content.flows.get(run.flow_id)
            title = self.catalog.pick(current.title, self.lang) if current else run.flow_id
            buttons = [
                [(self._label("button.go_back"), f"bk:{run.id}")],
                [(self._label("button.close_and_start"), f"sw:{run.id}:{flow.command}")],
            ]
            return await self._say(
                "switch.ask", buttons, current=title, next=self.catalog.pick(flow.title, self.lang)
            )
        await self._start(flow)

    # --- buttons ---------------------------------------------------------------------------

    async def _on_button(self, data: str) -> None:
        kind, _, rest = data.partition(":")
        person = self._require_person()
        if kind == "lang":
            return await self._set_language(rest)
        if person.language is None:
            return await self._ask_language()
        if kind == "r":
            return await self._flow_button(rest)
        if kind in ("bk", "sw"):
            return await self._switch(kind, rest)
        if kind == "rep":
            return await self._sharing().start_reply(person, rest)
        if kind == "bl":
            return await self._bulletin().press(rest)
        if kind == "snooze":
            return await self._snooze()
        if kind == "pd" and self._may_improve():
            return await self._pdsa().press(rest)
        if kind == "sd":
            return await self._settings().press(rest)
        if kind == "cs":
            return await CircleSetup(self._circle_context()).press(person, self._speaker(), rest)
        if kind in ("cr", "ck", "cp", "cu"):
            return await self._circle_private().press(kind, rest)
        if kind == "tz":
            return await self._settings().choose(rest)
        if kind == "inv":
            uses, _, days = rest.partition(":")
            if uses.isdecimal() and days.isdecimal():
                return await self._invite(int(uses), int(days))
        await self._say("button.expired")

    async def _own_active_run(self, run_id: str) -> FlowRun | None:
        """The run a button names, only if it is hers and still going: a button from an old
        run, or forged to name someone else's, finds nothing."""
        if not run_id.isdecimal():
            return None
        run = await self.uow.runs.get(int(run_id))
        if run is None or run.person_id != self._require_person().id or run.status != "active":
            return None
        return run

    async def _flow_button(self, rest: str) -> None:
        run_id, _, rest = rest.partition(":")
        index, _, value = rest.partition(":")
        run = await self._own_active_run(run_id)
        flow = None if run is None else self.chat.content.flows.get(run.flow_id)
        if run is None or flow is None or not index.isdecimal() or int(index) >= len(flow.steps):
            return await self._say("button.expired")
        await self._advance(run, ButtonInput(flow.steps[int(index)].id, value))

    async def _switch(self, kind: str, rest: str) -> None:
        run_id, _, command = rest.partition(":")
        run = await self._own_active_run(run_id)
        if run is None:
            return await self._say("button.expired")
        if kind == "bk":
            return await self._repeat_question(run)
        flow = self.chat.by_command.get(command)
        if flow is None or flow not in self._allowed_flows():
            return await self._say("button.expired")
        conversation = self._conversation()
        conversation.then_waiting = False  # she chose what comes next; what waits keeps waiting
        await conversation.advance(run, CommandInput("cancel"))
        await conversation.start(flow)

    # --- flows -----------------------------------------------------------------------------

    def _conversation(self) -> Conversation:
        incoming = self.incoming
        return Conversation(
            self.uow,
            self.chat.content,
            self._speaker(),
            self._require_person(),
            self.now,
            self.chat.timezone,
            edit_message_id=incoming.message_id if incoming.callback is not None else None,
        )

    async def _start(self, flow: Flow) -> None:
        await self._conversation().start(flow)

    async def _advance(self, run: FlowRun, given: Input) -> None:
        await self._conversation().advance(run, given)

    async def _repeat_question(self, run: FlowRun | None) -> None:
        await self._conversation().repeat_question(run)

    def _sharing(self) -> Sharing:
        return Sharing(self.uow, self.chat.content, self._speaker(), self.now)

    async def _snooze(self) -> None:
        person = self._require_person()
        when = await timekeeper.snooze(self.uow, person, self.now)
        if when is None:
            return await self._say("snooze.nothing")
        local = when.astimezone(ZoneInfo(person.timezone or self.chat.timezone))
        await self._say("snooze.set", time=f"{local:%H:%M}")

    async def _summary(self) -> None:
        """Her own team's summary, prepared by the clock's next tick (the chart is drawn off
        this reply's path)."""
        person = self._require_person()
        if "supervisor" not in person.role_names:
            return await self._say("chat.not_allowed")
        if await self.uow.teams.supervised_by(person.id) is None:
            return await self._say("weekly.no_team")
        await timekeeper.ask_for_summary(self.uow, person, self.now)
        self.wake = True
        await self._say("weekly.preparing")

    def _may_improve(self) -> bool:
        """PDSA projects are for the people who improve practice (not for an admin alone)."""
        return self.chat.content.pdsa is not None and bool(
            self._require_person().role_names & set(PDSA_ROLES)
        )

    def _wake_clock(self) -> None:
        self.wake = True

    def _pdsa(self) -> PdsaDialog:
        return PdsaDialog(
            self.uow,
            self.chat.content,
            self._speaker(),
            self._require_person(),
            self.now,
            self.chat.timezone,
            self._conversation,
            self._wake_clock,
        )

    def _away(self) -> AwayDialog:
        return AwayDialog(self._speaker(), self._require_person(), self.now, self.chat.timezone)

    def _settings(self) -> SettingsDialog:
        schedules = self.chat.content.schedules
        return SettingsDialog(self._speaker(), self._require_person(), self.chat.timezone, schedules)

    def _bulletin(self) -> BulletinDialog:
        return BulletinDialog(self.uow, self._speaker(), self._require_person(), self.now, self.chat.timezone)

    # --- invites from chat -------------------------------------------------------------------

    async def _invite(self, uses: int, days: int) -> None:
        person = self._require_person()
        team = await self.uow.teams.supervised_by(person.id) if "supervisor" in person.role_names else None
        if team is None:
            return await self._say(
                "invite.no_team" if "supervisor" in person.role_names else "chat.not_allowed"
            )
        username = await self.uow.settings.get(USERNAME_KEY)
        try:
            code = await invites.add_invite(
                self.uow, "home_visitor", team, uses, timedelta(days=days), self.now, created_by=person.id
            )
        except Refused:
            return await self._say("chat.not_allowed")
        link = invites.deep_link(username or "circlebot", code)
        buttons = [
            [(self._label("invite.more_uses", uses=5), f"inv:5:{days}")],
            [(self._label("invite.longer", days=30), f"inv:{uses}:30")],
        ]
        await self._say("invite.link", buttons, team=team.name, uses=uses, days=days, link=link)
