"""The one place that knows the store is down (issue 19). The first store error marks it down;
a probe (a trivial query) with capped exponential backoff finds it back; whoever waits for it
is woken by one event, not by polling. Observers hear "went down" and "came back": the bot stops
fetching updates meanwhile, and its webhook answers 503 (`handlers/`). The chat use case holds
the update it was handling and does it again once the store is back (`dispatch.py`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

from services.core.backoff import doubling

log = logging.getLogger(__name__)
FIRST_PROBE = 0.5  # seconds after the first store error; then doubling ...
LONGEST_PROBE = 30.0  # ... up to this
Observer = Callable[[], Awaitable[None]]


class Outage:
    def __init__(
        self,
        probe: Callable[[], Awaitable[None]],
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        first: float = FIRST_PROBE,
        longest: float = LONGEST_PROBE,
    ) -> None:
        self._probe, self._sleep, self._first, self._longest = probe, sleep, first, longest
        self._up = asyncio.Event()
        self._up.set()
        self._closed = False
        self._recovery: asyncio.Task[None] | None = None
        self._waits, self._back_at = 0, float("-inf")  # the backoff's waits so far; when last back
        self._went_down: list[Observer] = []
        self._came_back: list[Observer] = []

    @property
    def down(self) -> bool:
        return not self._up.is_set()

    def observe(self, went_down: Observer, came_back: Observer) -> None:
        self._went_down.append(went_down)
        self._came_back.append(came_back)

    def hold(self, error: BaseException) -> bool:
        """A store error: the store is down until a probe answers. Whether the work that met it
        may wait and try again (not once the bot is stopping)."""
        if self._closed:
            return False
        if not self.down:
            log.warning("the store is down (%s): updates wait until it answers", type(error).__name__)
            self._up.clear()
            if asyncio.get_running_loop().time() - self._back_at > self._longest:
                self._waits = 0  # else the probe answered but the work did not: back off on
            self._recovery = asyncio.create_task(self._recover(self._recovery), name="store-probe")
        return True

    async def back(self) -> None:
        """Returns once the store answers again (at once when it is up, or the bot stopping)."""
        await self._up.wait()

    async def _recover(self, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:  # the last outage's "came back" finishes first
            await previous
        await self._tell(self._went_down)
        probes = 1
        while not await self._answers():
            probes += 1
        log.warning("the store answers again (after %d probes): the held updates go on", probes)
        self._back_at = asyncio.get_running_loop().time()
        self._up.set()
        await self._tell(self._came_back)

    async def _answers(self) -> bool:
        """One probe, after the backoff's wait."""
        self._waits += 1
        await self._sleep(doubling(self._first, self._longest, self._waits))
        try:
            await self._probe()
        except Exception:  # still down, whatever it says
            return False
        return True

    async def _tell(self, observers: list[Observer]) -> None:
        for observer in observers:
            try:
                await observer()
            except Exception as error:  # by its type only, as every log here
                log.error("an outage observer failed (%s)", type(error).__name__)

    async def close(self) -> None:
        """The bot is stopping: no more probes, and what waits for the store stops waiting (it
        fails as it would have; an update held in memory is lost with the process)."""
        self._closed = True
        if self._recovery is not None:
            self._recovery.cancel()
            with suppress(asyncio.CancelledError):
                await self._recovery
        self._up.set()
