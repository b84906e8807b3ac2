"""The PTB Application, wired: the Bot API server from settings, updates ordered per chat,
one handler for private chats, the outbox drained at start and retried in the background."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from flows.content import Content
from handlers.http import AiohttpRequest
from handlers.ordering import PerChatOrder
from handlers.private import make_handler
from handlers.transport import BotApiTransport
from scheduler.jobs import Clockwork, keep_sending, schedule_jobs
from services.bulletins.bulletins import report_to_authors
from services.core.clock import Timekeeper
from services.core.config import Settings
from services.core.dispatch import ChatService
from services.features import registry_for
from services.sending.delivery import OutboxSender, SentLog
from services.sending.photos import Photos
from services.sending.ratelimit import RateLimiter
from store.database import Database

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
log = logging.getLogger(__name__)
HTTP_CONNECTIONS = 16  # a few warm connections carry the replies (measured against hundreds)
LONG_POLL_READ = 30.0
# chat_member updates come only when asked for by name: they tell who left a circle's group.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]


def build_application(
    settings: Settings, content: Content, db: Database, clock: Callable[[], datetime]
) -> AnyApplication:
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .concurrent_updates(PerChatOrder())
        .request(AiohttpRequest(HTTP_CONNECTIONS))
        .get_updates_request(AiohttpRequest(1, read_timeout=LONG_POLL_READ))
        .post_init(lambda app: _start(app, db, content, clock))
        .post_stop(_stop_sending)
        .post_shutdown(_stop)
        .build()
    )
    assert application.job_queue is not None  # the job-queue extra is a dependency
    registry = registry_for(content)  # every feature, declared once: the chat and the clock read it
    keeper = Timekeeper(db, content, settings.timezone, registry=registry)
    clockwork = Clockwork(application.job_queue, keeper, clock)
    chat = ChatService(db, content, settings.timezone, clock, wake=clockwork.wake, registry=registry)
    limiter = RateLimiter(scale=settings.rate_scale)
    transport = BotApiTransport(settings.api_url, settings.require_token(), HTTP_CONNECTIONS)
    sender = OutboxSender(db, transport, clock, limiter, SentLog(db, clock), Photos(db))
    application.add_handler(TypeHandler(Update, make_handler(chat, sender)))
    application.add_error_handler(_log_error)
    application.bot_data["sender"] = sender
    application.bot_data["clockwork"] = clockwork
    return application


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What failed, by its type only: an error's text or traceback can carry someone's words
    (a statement's values, her message). Without this PTB logs the whole traceback. The chat use
    case answered an update's own errors; what comes here is a store error (the update left
    unmarked, to be handled again), a failure to send, a job's, or fetching updates."""
    kind = type(context.error).__name__
    if isinstance(update, Update):
        log.error("update %s failed (%s)", update.update_id, kind)
    elif context.job is not None:
        log.error("job %s failed (%s)", context.job.name, kind)
    else:
        log.error("fetching updates or a task failed (%s)", kind)


async def _stop(application: AnyApplication) -> None:
    sender: OutboxSender = application.bot_data["sender"]
    await sender.log.flush()
    if isinstance(sender.transport, BotApiTransport):
        await sender.transport.close()
    await sender.db.dispose()


async def _start(
    application: AnyApplication, db: Database, content: Content, clock: Callable[[], datetime]
) -> None:
    """Send what was committed but not sent before a crash, then keep sending what falls due."""
    sender: OutboxSender = application.bot_data["sender"]
    await sender.drain()

    async def report() -> None:
        await report_to_authors(db, content.catalog, clock())

    application.bot_data["sending"] = asyncio.create_task(keep_sending(sender, report), name="sender")
    if application.job_queue is not None:
        schedule_jobs(application.job_queue, db, clock)
    application.bot_data["clockwork"].wake()  # catch up at once on what fell due while down


async def _stop_sending(application: AnyApplication) -> None:
    sending: asyncio.Task[None] | None = application.bot_data.pop("sending", None)
    if sending is not None:
        sending.cancel()
        with suppress(asyncio.CancelledError):
            await sending
