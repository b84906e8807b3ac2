"""Talking to the Bot API server named by the settings (Telegram's, or a self-hosted or fake
one): the bot calls {root}/bot{token}/{method} and fetches files from {root}/file/bot{token}/."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from services.core.config import HOW_TO_GET_A_TOKEN, Settings, SettingsError
from services.core.errors import Refused

# HTTP client libraries log request URLs, and a Bot API URL holds the token; the scheduler
# would log every outbox retry.
for noisy in ("httpx", "httpcore", "telegram.request", "apscheduler"):
    logging.getLogger(noisy).setLevel(logging.WARNING)


def make_bot(settings: Settings) -> Bot:
    return Bot(
        settings.require_token(),
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
    )


async def fetch_username(settings: Settings) -> str:
    """Ask the Bot API who we are; a refused token or an unreachable server is one line."""
    try:
        async with make_bot(settings) as bot:  # initialising the bot asks getMe
            username = bot.username
    except InvalidToken:
        raise SettingsError(f"the Bot API refused TELEGRAM_BOT_TOKEN. {HOW_TO_GET_A_TOKEN}") from None
    except NetworkError as error:
        raise Refused(f"cannot reach the Bot API at {settings.api_url}: {error.message}") from None
    return username
