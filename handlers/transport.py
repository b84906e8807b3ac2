"""The outbox's payloads carried out with PTB's typed Bot methods; Telegram's answers mapped
to what the sender understands (blocked, retry later, failed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from services.delivery import Blocked, RetryLater


def _markup(params: dict[str, Any]) -> InlineKeyboardMarkup | None:
    markup = params.get("reply_markup")
    if not markup:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
            for row in markup["inline_keyboard"]
        ]
    )


class BotTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def call(self, method: str, params: dict[str, Any]) -> int | None:
        try:
            return await self._call(method, params)
        except Forbidden as error:
            raise Blocked(error.message) from None
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater(seconds, error.message) from None
        except BadRequest as error:
            if "not modified" in error.message:  # the same edit twice: already as wanted
                return None
            raise

    async def _call(self, method: str, params: dict[str, Any]) -> int | None:
        if method == "sendMessage":
            message = await self.bot.send_message(
                params["chat_id"], params["text"], reply_markup=_markup(params)
            )
            return message.message_id
        if method == "editMessageText":
            await self.bot.edit_message_text(
                params["text"],
                chat_id=params["chat_id"],
                message_id=params["message_id"],
                reply_markup=_markup(params),
            )
            return None
        if method == "setMyCommands":
            commands = [BotCommand(c["command"], c["description"]) for c in params["commands"]]
            await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(params["scope"]["chat_id"]))
            return None
        raise ValueError(f"the outbox does not know the method {method!r}")
