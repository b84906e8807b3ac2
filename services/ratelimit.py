"""Telegram's sending limits, kept by the sender rather than learned from 429s: about 30
messages a second overall, a short burst then one a second per private chat, 20 a minute per
group. Sliding windows over the send times; `scale` speeds everything up for benchmarks.

Interactive replies come first: a bulk message (a bulletin) takes a slot only while no reply
is waiting for one."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

JITTER = 0.05  # seconds: a busy loop can delay one request behind another by this much
# The overall window is kept this much wider: a request stamped here reaches Telegram a little
# later, and two can arrive closer together than they left (measured: none of 10,000 refused).
OVERALL_SLACK = 0.003


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
        self.overall = (overall_per_second, 1.0 / scale + OVERALL_SLACK)
        # A private chat's window is kept 10% + 50 ms wider: the server clocks a burst by
        # arrival, and a request can overtake the one before it on the way.
        self.chat = (per_chat_burst, 1.1 * per_chat_burst / per_chat_per_second / scale + JITTER)
        self.group = (per_group_per_minute, 60.0 / scale)
        self.clock = clock
        self.sleep = sleep
        self._overall: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}
        self._replies_waiting = 0
        self._no_replies_waiting = asyncio.Event()
        self._no_replies_waiting.set()

    def wait(self, chat_id: int) -> float:
        """Seconds until a message to `chat_id` may go (0: now)."""
        now = self.clock()
        chat_limit = self.group if chat_id < 0 else self.chat
        window = self._chats.setdefault(chat_id, deque())
        return max(
            _wait(self._overall, *self.overall, now),
            _wait(window, *chat_limit, now),
        )

    async def acquire(self, chat_id: int, bulk: bool = False) -> None:
        """Wait for a slot, then take it; a bulk message also waits while any reply waits."""
        if bulk:
            while (pause := self.wait(chat_id)) > 0 or self._replies_waiting:
                await (self.sleep(pause) if pause > 0 else self._no_replies_waiting.wait())
        else:
            self._replies_waiting += 1
            self._no_replies_waiting.clear()
            try:
                while (pause := self.wait(chat_id)) > 0:
                    await self.sleep(pause)
            finally:
                self._replies_waiting -= 1
                if not self._replies_waiting:
                    self._no_replies_waiting.set()
        self._take(chat_id)

    def _take(self, chat_id: int) -> None:
        now = self.clock()
        self._overall.append(now)
        self._chats[chat_id].append(now)
        if len(self._chats) > 10_000:  # forget chats whose windows have emptied
            self._chats = {
                chat: times for chat, times in self._chats.items() if times and times[-1] > now - 60
            }


def _wait(window: deque[float], limit: int, span: float, now: float) -> float:
    while window and window[0] <= now - span:
        window.popleft()
    return 0.0 if len(window) < limit else window[0] + span - now
