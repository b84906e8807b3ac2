"""One update's work, as every feature sees it: who sent it and what, her open prompt, this
unit of work and its outbox, and ways to speak to her in her language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flows.content import Content
from flows.i18n import Catalog
from flows.run import MediaInput
from services.core.outgoing import ButtonRows, Outbox
from services.core.prompts import Prompt
from services.core.speaker import Speaker
from store.models import Person
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from services.core.conversation import Conversation
    from services.core.registry import Registry


@dataclass(frozen=True)
class Sender:
    telegram_id: int
    name: str
    username: str | None = None
    language_code: str | None = None


class MemberStatus(StrEnum):
    """The statuses of a group's member, as Telegram names them, that circlebot acts on (a fact
    carries Telegram's word as given: it may have more)."""

    CREATOR = "creator"
    ADMINISTRATOR = "administrator"
    LEFT = "left"
    KICKED = "kicked"


ADMINS = (MemberStatus.CREATOR, MemberStatus.ADMINISTRATOR)
GONE = (MemberStatus.LEFT, MemberStatus.KICKED)


@dataclass(frozen=True)
class GroupFacts:
    """What the adapter learnt about a group update from Telegram."""

    sender_admin: bool | None = None  # looked up for /circle only
    bot_admin: bool | None = None
    anonymous_admin: bool = False  # sent as the group itself: we cannot tell who
    edited: bool = False
    member: tuple[int, str] | None = None  # a chat_member update: (telegram id, new status)
    bot_status: str | None = None  # a my_chat_member update: the bot's own new status
    moved: tuple[int, int] | None = None  # the group became a supergroup: (old chat id, new chat id)
    supergroup: bool = False  # a basic group hides its history from newcomers; a supergroup may not


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

    @property
    def words(self) -> str | None:
        """What the message says: its text, or a photo's caption (a caption is a photo's words,
        so recording or editing either keeps them)."""
        if self.media is None:
            return self.text
        caption = self.media.meta.get("caption")
        return caption if isinstance(caption, str) else None


@dataclass
class Turn:
    uow: UnitOfWork
    out: Outbox  # replies to this update, sent at once after commit
    content: Content
    registry: Registry
    incoming: Incoming
    now: datetime
    timezone: str  # the program's, hers until she sets one
    lang: str  # hers, or her Telegram app's before she has chosen
    person: Person | None = None
    prompt: Prompt | None = None  # the prompt her words answer in this update
    found: object = None  # what the rule's relation found (the session's identity map is weak)
    wake_clock: bool = field(default=False)  # the clock has work for this update, after its commit
    erased: bool = field(default=False)  # someone was erased: the store's files settle after the commit

    @property
    def catalog(self) -> Catalog:
        return self.content.catalog

    @property
    def me(self) -> Person:
        """The sender, for handlers whose rule admits only people who joined."""
        assert self.person is not None
        return self.person

    def speaker(self) -> Speaker:
        """To the person in this chat, in her language as it stands now."""
        person_id = None if self.person is None else self.person.id
        return Speaker(self.out, self.catalog, self.lang, self.incoming.chat_id, person_id)

    def label(self, key: str, **fields: object) -> str:
        return self.catalog.say(self.lang, key, **fields)

    async def say(self, key: str, buttons: ButtonRows = (), **fields: object) -> None:
        await self.speaker().say(key, buttons, **fields)

    def bulk(self) -> Outbox:
        """Messages this update queues behind the replies (to many people)."""
        return Outbox(self.uow, self.now, f"{self.out.key}:queued", interactive=False)

    def conversation(self, then_waiting: bool = True) -> Conversation:
        from services.core.conversation import Conversation

        edit = self.incoming.message_id if self.incoming.callback is not None else None
        return Conversation(
            self.uow,
            self.content,
            self.speaker(),
            self.me,
            self.now,
            self.timezone,
            self.registry.runs,
            edit_message_id=edit,
            then_waiting=then_waiting,
            wake=self.wake,
        )

    def wake(self) -> None:
        """Ask the clock for a tick as soon as this update is committed (a chart to draw)."""
        self.wake_clock = True
