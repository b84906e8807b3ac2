"""What wakes the bot up: the sending loop, and jobs on a timer. The work itself is in services,
so tests call it directly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from telegram.ext import ContextTypes, JobQueue

from services.core.backoff import doubling
from services.core.clock import Timekeeper
from services.core.housekeeping import housekeep
from services.sending.delivery import OutboxSender
from services.sending.heartbeat import beat
from store.database import Database

log = logging.getLogger(__name__)
SENDER_POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 6 * 3600
FIRST_RETRY = timedelta(seconds=5)  # after a failed tick (the store down): 5 s, 10 s, 20 s ...
LONGEST_RETRY = timedelta(minutes=5)


def retry_after(failures: int) -> timedelta:
    """How long to wait after this many failed ticks in a row: a store that is down is not
    hammered, and one that is back is found soon."""
    seconds = doubling(FIRST_RETRY.total_seconds(), LONGEST_RETRY.total_seconds(), failures)
    return timedelta(seconds=seconds)


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
        await housekeep(db, clock())

    job_queue.run_repeating(heartbeat, interval=HEARTBEAT_SECONDS, first=0, name="sender-heartbeat")
    job_queue.run_repeating(forget, interval=HOUSEKEEPING_SECONDS, first=60, name="housekeeping")


class Clockwork:
    """Wakes the timekeeper when it says it is next needed. APScheduler (PTB's JobQueue) only
    wakes the bot; what is due is the store's to say, so a restart rebuilds this one job from
    content and store, and its first tick at start catches up what the downtime missed. Delays
    are reckoned on the injected clock."""

    NAME = "timekeeper"

    def __init__(
        self,
        job_queue: JobQueue,  # type: ignore[type-arg]
        timekeeper: Timekeeper,
        clock: Callable[[], datetime],
    ) -> None:
        self.job_queue = job_queue
        self.timekeeper = timekeeper
        self.clock = clock
        self.failures = 0  # ticks failed in a row
        self.woken = False  # woken since the running tick began

    def wake(self, at: datetime | None = None) -> None:
        """Tick at `at` (now by default), instead of whenever it was going to. A wake while a
        tick runs is kept: that tick may have read before what woke it (a /mydata request, a
        chart) was committed, so another follows at once instead of the one it planned."""
        self.woken = True
        self._schedule(at)

    def _schedule(self, at: datetime | None) -> None:
        for job in self.job_queue.get_jobs_by_name(self.NAME):
            job.schedule_removal()
        delay = 0.0 if at is None else max(0.0, (at - self.clock()).total_seconds())
        self.job_queue.run_once(self._tick, when=delay, name=self.NAME)

    async def _tick(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        self.woken = False
        at = await self.tick()
        self._schedule(None if self.woken else at)

    async def tick(self) -> datetime:
        """One tick; when the next is due. An item's own failure never reaches here (it is set
        aside: services.core.failures); what does (the store down) is tried again with backoff."""
        try:
            tally = await self.timekeeper.tick(self.clock())
            if any(tally.values()):
                log.info("tick: %s", ", ".join(f"{k} {v}" for k, v in sorted(tally.items()) if v))
            at = await self.timekeeper.next_wakeup(self.clock())
        except Exception as error:  # logged by kind only: the text could carry someone's words
            self.failures += 1
            wait = retry_after(self.failures)
            log.error("the timekeeper failed (%s); trying again in %d s", type(error).__name__, wait.seconds)
            return self.clock() + wait
        self.failures = 0
        return at
