"""Private chats and groups: a Telegram update becomes an `Incoming`, the chat use case does
the work, the replies it committed are sent. No business rules here (DESIGN.md, rule 2)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import replace
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from flows.bounds import clean_text
from flows.run import MediaInput
from handlers.group import group_facts, with_admin_rights
from handlers.ordering import end_turn
from services.core.dispatch import ChatService
from services.core.turn import Incoming, Sender
from services.sending.delivery import OutboxSender
from services.sending.transport import Blocked, RetryLater, SendFailed, Transport


def _media(message: Message) -> MediaInput:
    if message.photo:
        largest = message.photo[-1]
        meta = {
            "width": largest.width,
            "height": largest.height,
            "file_unique_id": largest.file_unique_id,
            "caption": None if message.caption is None else clean_text(message.caption),
        }
        return MediaInput("photo", largest.file_id, meta)
    if message.voice:
        voice, duration = message.voice, message.voice.duration
        seconds = int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)
        return MediaInput("voice", voice.file_id, {"duration": seconds, "mime_type": voice.mime_type})
    if message.sticker:
        return MediaInput("sticker", message.sticker.file_id)
    if message.document:
        return MediaInput("document", message.document.file_id)
    if message.video or message.video_note or message.animation:
        return MediaInput("video", "")
    return MediaInput("other", "")


def to_incoming(update: Update) -> Incoming | None:
    """An update as the use case needs it, in a private chat or a group; her text and a photo's
    caption, and her name, are cleaned here, once (flows.bounds.clean_text)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    sender = Sender(user.id, clean_text(user.full_name), user.username, user.language_code)
    private = chat.type == ChatType.PRIVATE
    base = Incoming(update.update_id, chat.id, sender, private=private)
    if not private:
        base = replace(base, group=group_facts(update))
    query = update.callback_query
    if query is not None:
        message_id = query.message.message_id if query.message else None
        return replace(base, callback=query.data or "", message_id=message_id, callback_id=query.id)
    message = update.message or (None if private else update.edited_message)
    facts = base.group
    if facts is not None and facts.moved is not None:
        return base  # Telegram's notice that the group moved: a fact, nobody's words
    if message is None:
        return base if facts and (facts.bot_status or facts.member) else None
    if not private:
        base = replace(base, message_id=message.message_id)
    text = None if message.text is None else clean_text(message.text)
    if text is not None and text.startswith("/"):
        word, _, argument = text[1:].partition(" ")
        return replace(base, command=word.split("@", 1)[0].lower(), argument=argument.strip())
    if text is not None:
        return replace(base, text=text)
    return replace(base, media=_media(message))


def _for_another_bot(update: Update, username: str) -> bool:
    """`/next@other_bot` in a group is not ours to answer, nor a contribution to record."""
    text = update.effective_message.text if update.effective_message else None
    if not text or not text.startswith("/"):
        return False
    _, at, addressee = text.split(" ", 1)[0].partition("@")
    return bool(at) and addressee.lower() != username.lower()


async def _answer(transport: Transport, query_id: str) -> None:
    """Stop the button's spinner; an old query can no longer be answered, and nothing depends on
    it. Straight through the transport: PTB's own call was 6% of the bot's time under load."""
    with suppress(SendFailed, Blocked, RetryLater):
        await transport.call("answerCallbackQuery", {"callback_query_id": query_id})


def make_handler(
    chat: ChatService, sender: OutboxSender
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None or (
            incoming.group is not None and _for_another_bot(update, context.bot.username)
        ):
            return
        if incoming.group is not None and incoming.command == "circle":
            incoming = replace(
                incoming,
                group=await with_admin_rights(
                    incoming.group,
                    sender.transport,
                    incoming.chat_id,
                    incoming.sender.telegram_id,
                    context.bot.id,
                ),
            )
        replies = await chat.handle(incoming)  # committed before anything is sent
        sending = sender.queue(replies)  # in each chat's lane now, so in commit order
        end_turn()  # the chat's next update need not wait while these wait for their turn
        if update.callback_query is None or any(r.method == "answerCallbackQuery" for r in replies):
            return await sending
        await asyncio.gather(sending, _answer(sender.transport, update.callback_query.id))

    return on_update
