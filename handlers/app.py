"""The PTB Application: the Bot API server from settings, requests on aiohttp, updates ordered
per chat, one handler for every update, and an error handler that logs by type only. What it
talks to (the chat use case, the sender, the clock's job queue) and what starts and stops with
it come ready-made from the composition root, `bot.py`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue, TypeHandler

from handlers.http import AiohttpRequest
from handlers.ordering import PerChatOrder
from handlers.private import make_handler
from services.core.config import Settings
from services.core.dispatch import ChatService
from services.sending.delivery import OutboxSender

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Hook = Callable[[], Coroutine[Any, Any, None]]
log = logging.getLogger(__name__)
HTTP_CONNECTIONS = 16  # a few warm connections carry the replies (measured against hundreds)
LONG_POLL_READ = 30.0
# chat_member updates come only when asked for by name: they tell who left a circle's group.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]


def build_application(
    settings: Settings,
    chat: ChatService,
    sender: OutboxSender,
    job_queue: JobQueue[Any],
    on_start: Hook,
    on_stop: Hook,
    on_shutdown: Hook,
) -> AnyApplication:
    """`on_start` runs once the bot is initialised, before updates come; `on_stop` once they
    have stopped coming; `on_shutdown` last, after PTB's own shutdown."""
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .concurrent_updates(PerChatOrder())
        .request(AiohttpRequest(HTTP_CONNECTIONS))
        .get_updates_request(AiohttpRequest(1, read_timeout=LONG_POLL_READ))
        .job_queue(job_queue)
        .post_init(lambda _: on_start())
        .post_stop(lambda _: on_stop())
        .post_shutdown(lambda _: on_shutdown())
        .build()
    )
    application.add_handler(TypeHandler(Update, make_handler(chat, sender)))
    application.add_error_handler(_log_error)
    return application


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What failed, by its type only: an error's text or traceback can carry someone's words
    (a statement's values, her message). Without this PTB logs the whole traceback. The chat use
    case answered an update's own errors and holds one that met a store error until the store is
    back; what comes here is a store error met while the bot stops (that update is lost), a
    failure to send, a job's, or fetching updates."""
    kind = type(context.error).__name__
    if isinstance(update, Update):
        log.error("update %s failed (%s)", update.update_id, kind)
    elif context.job is not None:
        log.error("job %s failed (%s)", context.job.name, kind)
    else:
        log.error("fetching updates or a task failed (%s)", kind)
