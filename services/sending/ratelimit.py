"""Telegram's sending limits, kept by the sender rather than learned from 429s: about 30
messages a second overall, a short burst then one a second per private chat, 20 a minute per
group. Sliding windows; `scale` speeds everything up for benchmarks.

Telegram counts a message when it arrives, which is some time after it leaves and not always
in the order they left. So a message holds its place in the overall window and in its chat's
from the moment it leaves until its answer is back, and the windows are counted from then:
whatever the network's delays, no second at Telegram sees more than 30 (measured: none of
10,000 refused, where counting from departure let a few per thousand through), and no group's
minute more than 20 (counted from departure, a post slowed on its way let the 21st in).

Interactive replies come first: a bulk message (a bulletin) takes a slot only while no reply
is waiting for one."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress

JITTER = 0.05  # seconds: a busy loop can delay one request behind another by this much


class RateLimiter:
    def __init__(
        self,
        overall_per_second: int = 30,
        per_chat_per_second: float = 1,
        per_chat_burst: int = 3,
        per_group_per_minute: int = 20,
        scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.overall = (overall_per_second, 1.0 / scale)
        # A private chat's window is kept 10% + 50 ms wider: the server clocks a burst by
        # arrival, and a request can overtake the one before it on the way.
        self.chat = (per_chat_burst, 1.1 * per_chat_burst / per_chat_per_second / scale + JITTER)
        self.group = (per_group_per_minute, 60.0 / scale + JITTER)  # and a group's by 50 ms
        self.clock = clock
        self.sleep = sleep
        self._overall: deque[float] = deque()  # when answers came back, oldest first
        self._on_the_way = 0
        self._answered = asyncio.Event()  # set (and replaced) whenever a message's answer is back
        self._chats: dict[int, deque[float]] = {}
        self._replies_waiting = 0
        self._no_replies_waiting = asyncio.Event()
        self._no_replies_waiting.set()
        # One reply and one bulk message at a time wait for the overall window, the rest in
        # line behind them (first come, first served): a slot that frees wakes one waiter, not
        # every one (hundreds at a peak, each waking to find the slot taken).
        self._reply_turn = asyncio.Lock()
        self._bulk_turn = asyncio.Lock()

    @property
    def messages_per_second(self) -> float:
        limit, span = self.overall
        return limit / span

    def wait(self, chat_id: int) -> float:
        """Seconds until a message to `chat_id` may go (0: now; infinite: not until a message
        on its way is answered)."""
        return max(
            _wait(self._overall, *self.overall, self.clock(), self._on_the_way), self._chat_wait(chat_id)
        )

    def _chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat's own window lets a message go."""
        chat_limit = self.group if chat_id < 0 else self.chat
        return _wait(self._chats.setdefault(chat_id, deque()), *chat_limit, self.clock())

    @asynccontextmanager
    async def slot(self, chat_id: int, bulk: bool = False) -> AsyncIterator[None]:
        """Hold a place in the windows while one message is on its way to Telegram."""
        await self._wait_for_slot(chat_id, bulk)
        window, left = self._chats[chat_id], self.clock()
        window.append(left)  # its place in the chat's window while on its way...
        self._on_the_way += 1
        try:
            yield
        finally:
            self._on_the_way -= 1
            answered = self.clock()
            with suppress(ValueError):  # (already out of the window if on its way longer than it)
                window.remove(left)
            window.append(answered)  # ...then counted from its answer, as in the overall window
            self._overall.append(answered)
            self._answered.set()
            self._answered = asyncio.Event()
            self._forget_quiet_chats()

    async def acquire(self, chat_id: int, bulk: bool = False) -> None:
        """Take a slot for a message that leaves and arrives at once."""
        async with self.slot(chat_id, bulk):
            pass

    async def _wait_for_slot(self, chat_id: int, bulk: bool) -> None:
        """Its own chat's turn first (no one else waits on it), then its turn in line for the
        overall window. A bulk message also waits while a reply waits in line (not while one
        waits for its own chat: a group's reply may wait a minute for its group)."""
        while (pause := self._chat_wait(chat_id)) > 0:
            await self.sleep(pause)
        if not bulk:
            self._replies_waiting += 1
            self._no_replies_waiting.clear()
        try:
            async with self._bulk_turn if bulk else self._reply_turn:
                while (pause := self.wait(chat_id)) > 0 or (bulk and self._replies_waiting):
                    await (self._pause(pause) if pause > 0 else self._no_replies_waiting.wait())
        finally:
            if not bulk:
                self._replies_waiting -= 1
                if not self._replies_waiting:
                    self._no_replies_waiting.set()

    async def _pause(self, seconds: float) -> None:
        if seconds == math.inf:
            await self._answered.wait()
        else:
            await self.sleep(seconds)

    def _forget_quiet_chats(self) -> None:
        now = self.clock()
        if len(self._chats) > 10_000:  # forget chats whose windows have emptied
            self._chats = {
                chat: times for chat, times in self._chats.items() if times and times[-1] > now - 60
            }


def _wait(window: deque[float], limit: int, span: float, now: float, on_the_way: int = 0) -> float:
    """Seconds until a window of `span` holds fewer than `limit`, counting those still on their way."""
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) + on_the_way < limit:
        return 0.0
    return window[0] + span - now if window else math.inf
