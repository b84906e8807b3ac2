"""Outgoing messages as outbox rows, written in the same transaction as the change that caused
them (DESIGN.md, rule 5). A payload names a Bot API method and its parameters as plain data,
so the sender is the only code that talks to Telegram.

This is the one place that keeps what is queued within Telegram's lengths (flows.bounds), so
that her own words echoed in a longer message never make a send fail: a long text goes as
several messages, split at line ends; an edit too long for one message goes as new messages;
a caption, a button's notice or a menu line is cut with "…"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flows.bounds import CAPTION_LIMIT, COMMAND_ABOUT_LIMIT, MESSAGE_LIMIT, NOTICE_LIMIT, fit
from flows.render import split_message
from services.core.disclosures import About
from store.uow import UnitOfWork

INTERACTIVE = 0  # replies go ahead of queued bulk messages
BULK = 1
CLAIM = timedelta(seconds=15)  # a sender that dies holding rows releases them after this

ButtonRows = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback data)


def keyboard(rows: ButtonRows) -> dict[str, Any] | None:
    if not rows:
        return None
    return {
        "inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in rows]
    }


def moved(method: str, params: dict[str, Any], new_chat: int) -> tuple[str, dict[str, Any]]:
    """A call for a group that became a supergroup, made in the new chat. An edit names a
    message of the old chat, which cannot be edited in the new one: its words go anew."""
    params = {**params, "chat_id": new_chat} if "chat_id" in params else params
    if method == "editMessageText":
        return "sendMessage", {key: value for key, value in params.items() if key != "message_id"}
    return method, params


@dataclass(frozen=True)
class Outgoing:
    """An outbox row claimed for sending, with what the sender needs (no need to read it back)."""

    id: int
    person_id: int | None
    method: str
    params: dict[str, Any]
    attempts: int = 0
    photo_of: int | None = None  # a stored photo or file the sender attaches (uploaded once)
    filename: str | None = None  # the name a stored file is uploaded under


@dataclass
class Outbox:
    """The messages of one unit of work. Replies (`interactive`) are claimed for sending right
    after its commit; the clock's messages are queued for the sending loop, behind replies. Keys
    derive from `key`, so a repeated unit of work (the same update twice) queues nothing new."""

    uow: UnitOfWork
    now: datetime
    key: str
    interactive: bool = True
    not_before: datetime | None = None  # queued messages held until then (her quiet hours)
    claimed: list[Outgoing] = field(default_factory=list)
    _count: int = 0

    async def _queue(
        self, chat_id: int, payload: dict[str, Any], person_id: int | None, about: About | None
    ) -> None:
        self._count += 1
        queued = await self.uow.outbox.enqueue(
            f"{self.key}:{self._count}",
            chat_id,
            payload,
            self.now,
            person_id=person_id,
            # A group's post is queued ahead of bulk private messages: a session moves on time.
            priority=INTERACTIVE if self.interactive or chat_id < 0 else BULK,
            not_before=None if self.interactive else self.not_before,
            claimed_until=self.now + CLAIM if self.interactive else None,
            disclosure=None if about is None else about.kind.id,
            about_people=None if about is None else list(about.people),
        )
        if queued is not None and self.interactive:
            method, params = payload["method"], payload["params"]
            self.claimed.append(
                Outgoing(
                    queued,
                    person_id,
                    method,
                    params,
                    photo_of=payload.get("photo_of"),
                    filename=payload.get("filename"),
                )
            )

    async def send(
        self,
        chat_id: int,
        text: str,
        buttons: ButtonRows = (),
        person_id: int | None = None,
        *,
        about: About | None = None,
    ) -> None:
        """A text message; a long one is split under Telegram's limit, buttons on the last part."""
        parts = split_message(text)
        for position, part in enumerate(parts):
            params: dict[str, Any] = {"chat_id": chat_id, "text": part}
            markup = keyboard(buttons) if position == len(parts) - 1 else None
            if markup:
                params["reply_markup"] = markup
            await self._queue(chat_id, {"method": "sendMessage", "params": params}, person_id, about)

    async def photo(
        self,
        chat_id: int,
        file_id: str,
        caption: str,
        person_id: int | None = None,
        *,
        about: About | None = None,
    ) -> None:
        """A photo Telegram already has (by its file id), with a caption."""
        params = {"chat_id": chat_id, "photo": file_id, "caption": fit(caption, CAPTION_LIMIT)}
        await self._queue(chat_id, {"method": "sendPhoto", "params": params}, person_id, about)

    async def stored_photo(
        self,
        chat_id: int,
        photo_id: int,
        caption: str,
        person_id: int | None = None,
        buttons: ButtonRows = (),
        *,
        about: About | None = None,
    ) -> None:
        """A photo kept in the store: the sender uploads it the first time."""
        params: dict[str, Any] = {"chat_id": chat_id, "caption": fit(caption, CAPTION_LIMIT)}
        markup = keyboard(buttons)
        if markup:
            params["reply_markup"] = markup
        payload = {"method": "sendPhoto", "params": params, "photo_of": photo_id}
        await self._queue(chat_id, payload, person_id, about)

    async def stored_file(
        self,
        chat_id: int,
        file_id: int,
        caption: str,
        person_id: int | None = None,
        *,
        filename: str,
        about: About | None = None,
    ) -> None:
        """A document kept in the store (an export), uploaded under `filename`."""
        payload = {
            "method": "sendDocument",
            "params": {"chat_id": chat_id, "caption": fit(caption, CAPTION_LIMIT)},
            "photo_of": file_id,
            "filename": filename,
        }
        await self._queue(chat_id, payload, person_id, about)

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        buttons: ButtonRows = (),
        person_id: int | None = None,
        *,
        about: About | None = None,
    ) -> None:
        """The message with these words and buttons instead; words too long for one message go
        as new messages (nothing of them is lost)."""
        if len(text) > MESSAGE_LIMIT:
            return await self.send(chat_id, text, buttons, person_id, about=about)
        params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": text}
        markup = keyboard(buttons)
        if markup:
            params["reply_markup"] = markup
        await self._queue(chat_id, {"method": "editMessageText", "params": params}, person_id, about)

    async def answer_button(
        self, chat_id: int, callback_id: str, text: str, url: str | None = None, *, about: About | None = None
    ) -> None:
        """The small notice over a pressed button (or a deep link it opens): a word to one
        person in a group without posting to everyone."""
        params: dict[str, Any] = {"callback_query_id": callback_id, "text": fit(text, NOTICE_LIMIT)}
        if url is not None:
            params["url"] = url
        await self._queue(chat_id, {"method": "answerCallbackQuery", "params": params}, None, about)

    async def menu(
        self, chat_id: int, commands: Sequence[tuple[str, str]], person_id: int | None = None
    ) -> None:
        """This person's command menu, shown only in her chat."""
        params = {
            "commands": [
                {"command": name, "description": fit(about, COMMAND_ABOUT_LIMIT)} for name, about in commands
            ],
            "scope": {"type": "chat", "chat_id": chat_id},
        }
        await self._queue(chat_id, {"method": "setMyCommands", "params": params}, person_id, None)
