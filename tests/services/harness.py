"""People talking to the chat use case directly (no Telegram): what they send becomes
`Incoming` updates, what the bot says is read back from the outbox."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from content import BUNDLED_CONTENT
from flows.run import MediaInput
from flows.validate import load_content
from services.core.dispatch import ChatService
from services.core.outgoing import Outgoing
from services.core.turn import Incoming, Sender
from services.joining.invites import add_invite
from store.database import Database
from tests.reflection import UP_TO_SHARING

CONTENT = load_content(BUNDLED_CONTENT)
FAR = datetime(2100, 1, 1, tzinfo=UTC)
_update_ids = itertools.count(1000)


def description(flow_id: str, lang: str = "en") -> str:
    """A flow's description, as said when it starts."""
    told = CONTENT.flows[flow_id].description
    assert told is not None, f"{flow_id} has no description"
    return CONTENT.catalog.lay_out(lang, CONTENT.catalog.pick(told, lang))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 15, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Message:
    id: int
    method: str
    text: str
    buttons: list[tuple[str, str]]
    params: dict[str, Any]
    chat_id: int


async def outbox(db: Database) -> list[Message]:
    async with db.unit_of_work() as uow:
        rows = await uow.outbox.due(FAR, 100_000)
    messages = []
    for row in sorted(rows, key=lambda r: r.id):
        params = row.payload["params"]
        markup = params.get("reply_markup") or {"inline_keyboard": []}
        buttons = [(b["text"], b["callback_data"]) for line in markup["inline_keyboard"] for b in line]
        messages.append(
            Message(row.id, row.payload["method"], params.get("text", ""), buttons, params, row.chat_id)
        )
    return messages


@dataclass
class Client:
    chat: ChatService
    db: Database
    telegram_id: int
    name: str
    language_code: str = "en"
    seen: int = 0
    last_update: Incoming | None = field(default=None, repr=False)

    def _incoming(self, **fields: Any) -> Incoming:
        sender = Sender(self.telegram_id, self.name, None, self.language_code)
        return Incoming(next(_update_ids), self.telegram_id, sender, **fields)

    async def _handle(self, incoming: Incoming) -> list[Outgoing]:
        self.last_update = incoming
        return await self.chat.handle(incoming)

    async def send(self, text: str) -> list[Outgoing]:
        if text.startswith("/"):
            command, _, argument = text[1:].partition(" ")
            return await self._handle(self._incoming(command=command, argument=argument.strip()))
        return await self._handle(self._incoming(text=text))

    async def send_media(self, kind: str) -> list[Outgoing]:
        return await self._handle(self._incoming(media=MediaInput(kind, "FILE", {})))  # type: ignore[arg-type]

    async def messages(self) -> list[Message]:
        return [m for m in await outbox(self.db) if m.chat_id == self.telegram_id]

    async def new(self) -> list[str]:
        """The texts said to this person since the last look."""
        mine = [m for m in await self.messages() if m.method == "sendMessage"]
        fresh, self.seen = mine[self.seen :], len(mine)
        return [m.text for m in fresh]

    async def press(self, label: str) -> list[Outgoing]:
        """Press the newest button with this label (or label prefix) in her chat."""
        for message in reversed(await self.messages()):
            for text, data in message.buttons:
                if text == label or text.startswith(label):
                    return await self._handle(self._incoming(callback=data, message_id=message.id))
        raise AssertionError(f"no button {label!r} for {self.name}")

    async def press_data(self, data: str) -> list[Outgoing]:
        return await self._handle(self._incoming(callback=data, message_id=1))


async def make_invite(
    db: Database, role: str, team: str | None, uses: int = 1, now: datetime | None = None
) -> str:
    now = now or datetime(2026, 11, 24, 15, tzinfo=UTC)
    async with db.unit_of_work() as uow:
        found = None if team is None else (await uow.teams.get_or_create(team, now))[0]
        code = await add_invite(uow, role, found, uses, timedelta(days=7), now)
        await uow.settings.set("bot_username", "circle_test_bot")
        await uow.commit()
    return code


async def join(client: Client, code: str, language: str = "English") -> None:
    await client.send(f"/start {code}")
    await client.press("I agree")
    await client.press(language)
    await client.new()


async def reflect_up_to_sharing(client: Client) -> None:
    """Her answers to /reflect, once started, up to the question whether to share it."""
    for action, value in UP_TO_SHARING:
        await (client.send(value) if action == "send" else client.press(value))
