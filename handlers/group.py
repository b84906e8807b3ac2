"""Groups: what Telegram says of a group update, as the circle use cases need it. Telegram
does not say in a message whether its sender is an admin, so for /circle the adapter asks
(getChatMember, for her and for the bot itself) before the use case runs."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.constants import ChatType

from services.core.turn import ADMINS, GroupFacts
from services.sending.transport import Blocked, RetryLater, SendFailed, Transport

ANONYMOUS_ADMIN = 1087968824  # GroupAnonymousBot: an admin who posts as the group


def group_facts(update: Update) -> GroupFacts:
    chat = update.effective_chat
    if update.my_chat_member is not None:
        return GroupFacts(bot_status=update.my_chat_member.new_chat_member.status)
    if update.chat_member is not None:
        changed = update.chat_member.new_chat_member
        return GroupFacts(member=(changed.user.id, changed.status))
    message = update.effective_message
    if message is not None and chat is not None and message.migrate_to_chat_id is not None:
        return GroupFacts(moved=(chat.id, message.migrate_to_chat_id))  # said in the old group
    if message is not None and chat is not None and message.migrate_from_chat_id is not None:
        return GroupFacts(moved=(message.migrate_from_chat_id, chat.id))  # said in the new one
    anonymous = (
        message is not None
        and message.sender_chat is not None
        and chat is not None
        and (
            message.sender_chat.id == chat.id
            or (message.from_user is not None and message.from_user.id == ANONYMOUS_ADMIN)
        )
    )
    return GroupFacts(
        anonymous_admin=anonymous,
        edited=update.edited_message is not None,
        supergroup=chat is not None and chat.type == ChatType.SUPERGROUP,
    )


async def _status(transport: Transport, chat_id: int, user_id: int) -> str | None:
    with suppress(SendFailed, Blocked, RetryLater):
        member: Any = await transport.call("getChatMember", {"chat_id": chat_id, "user_id": user_id})
        return str(member.get("status")) if isinstance(member, dict) else None
    return None


async def with_admin_rights(
    facts: GroupFacts, transport: Transport, chat_id: int, user_id: int, bot_id: int
) -> GroupFacts:
    """The facts with whether the sender and the bot are admins of the group."""
    sender, bot = await _status(transport, chat_id, user_id), await _status(transport, chat_id, bot_id)
    return replace(facts, sender_admin=sender in ADMINS, bot_admin=bot in ADMINS)
