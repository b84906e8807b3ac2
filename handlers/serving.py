"""One way to run the bot, for `circlebot run` and the tests alike (issue 19): initialise, start
the application, then take updates (long polling, or the bot's own webhook server); on SIGINT or
SIGTERM stop in order: updates first, then the held ones let go, the application (what is on its
queue is handled), `post_stop`, shutdown, `post_shutdown`. While the store is down polling
pauses (`Polling`) and the webhook answers 503 (`handlers/webhook.py`)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from handlers.app import ALLOWED_UPDATES, AnyApplication
from services.core.outage import Outage

log = logging.getLogger(__name__)
LONG_POLL = 10  # seconds a getUpdates waits for something new (PTB's default)


class Receiving(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class Polling:
    """Long polling that stops while the store is down and starts again, with the same
    arguments, when it is back: Telegram keeps for 24 hours what it has not handed out, and
    what was handed out is held in memory (confirmed to Telegram when polling stops)."""

    def __init__(self, application: AnyApplication, outage: Outage, timeout: int = LONG_POLL) -> None:
        assert application.updater is not None
        self._updater, self._timeout = application.updater, timeout
        self._stopping = False
        outage.observe(went_down=self._pause, came_back=self._resume)

    async def start(self) -> None:
        await self._updater.start_polling(timeout=self._timeout, allowed_updates=ALLOWED_UPDATES)

    async def stop(self) -> None:
        self._stopping = True
        if self._updater.running:
            await self._updater.stop()

    async def _pause(self) -> None:
        if self._updater.running:
            log.warning("polling paused while the store is down")
            await self._updater.stop()

    async def _resume(self) -> None:
        if not self._stopping and not self._updater.running:
            log.warning("polling again")
            await self.start()


@asynccontextmanager
async def serving(application: AnyApplication, outage: Outage, receiving: Receiving) -> AsyncIterator[None]:
    """The bot running within the block: what `run` does, and what the tests drive."""
    async with application:  # initialize, and shutdown at the end
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            await receiving.start()
            yield
        finally:
            await receiving.stop()
            await outage.close()  # an update still waiting for the store is given up
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def serve_until_signalled(application: AnyApplication, outage: Outage, receiving: Receiving) -> None:
    """`circlebot run`: serve until SIGINT (Ctrl-C) or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    async with serving(application, outage, receiving):
        await stop.wait()
    log.info("stopped")
