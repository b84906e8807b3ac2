"""Jobs that wake the bot up; the work itself is in services, so tests call it directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telegram.ext import ContextTypes, JobQueue

from services.delivery import OutboxSender
from services.housekeeping import forget_old_updates
from store.database import Database

OUTBOX_RETRY_SECONDS = 1
HOUSEKEEPING_SECONDS = 6 * 3600


def schedule_outbox_retries(job_queue: JobQueue, sender: OutboxSender) -> None:  # type: ignore[type-arg]
    """Rows postponed by a network error or Telegram's "slow down" are sent when due."""

    async def retry(_context: ContextTypes.DEFAULT_TYPE) -> None:
        await sender.drain()

    job_queue.run_repeating(
        retry, interval=OUTBOX_RETRY_SECONDS, first=OUTBOX_RETRY_SECONDS, name="outbox-retry"
    )


def schedule_housekeeping(
    job_queue: JobQueue,  # type: ignore[type-arg]
    db: Database,
    clock: Callable[[], datetime],
) -> None:
    async def forget(_context: ContextTypes.DEFAULT_TYPE) -> None:
        await forget_old_updates(db, clock())

    job_queue.run_repeating(forget, interval=HOUSEKEEPING_SECONDS, first=60, name="housekeeping")
