"""What wakes the bot up: the sending loop, and jobs on a timer. The work itself is in services,
so tests call it directly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram.ext import ContextTypes, JobQueue

from services.delivery import OutboxSender
from services.heartbeat import beat
from services.housekeeping import forget_old_updates
from store.database import Database

log = logging.getLogger(__name__)
SENDER_POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 6 * 3600


async def keep_sending(
    sender: OutboxSender, after_sending: Callable[[], Awaitable[object]], poll: float = SENDER_POLL_SECONDS
) -> None:
    """Claim and send whatever is due (queued messages, retries), then the follow-ups of what
    was sent (delivery reports); when nothing was due, look again within `poll`. A failure is
    logged by kind only (its text could carry someone's message)."""
    while True:
        try:
            taken = await sender.drain()
            await after_sending()
            if taken:
                continue
        except Exception as error:
            log.error("the sender failed (%s); trying again", type(error).__name__)
        await asyncio.sleep(poll)


def schedule_jobs(
    job_queue: JobQueue,  # type: ignore[type-arg]
    db: Database,
    clock: Callable[[], datetime],
) -> None:
    """The bot's timers: the sender's heartbeat every second, housekeeping every six hours."""

    async def heartbeat(_context: ContextTypes.DEFAULT_TYPE) -> None:
        await beat(db, clock())

    async def forget(_context: ContextTypes.DEFAULT_TYPE) -> None:
        await forget_old_updates(db, clock())

    job_queue.run_repeating(heartbeat, interval=HEARTBEAT_SECONDS, first=0, name="sender-heartbeat")
    job_queue.run_repeating(forget, interval=HOUSEKEEPING_SECONDS, first=60, name="housekeeping")
