"""Updates of one chat in order, different chats concurrently (DESIGN.md, section 5).

PTB's `concurrent_updates` alone would let two updates of one person race; this processor
gives each chat a turn, taken in arrival order. A turn lasts until the handler has committed and
put its replies in their chats' sending lanes (`end_turn`), not until they are sent: a group's
posts may wait a minute for its window, and a tap after them must be answered within seconds.
The lanes keep each chat's messages in commit order (`OutboxSender.queue`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_END_TURN: ContextVar[Callable[[], None] | None] = ContextVar("end_turn", default=None)


def end_turn() -> None:
    """The update's work is committed and its replies are queued: the same chat's next update
    may be handled now. Idempotent; the turn also ends when the handler returns or raises."""
    end = _END_TURN.get()
    if end is not None:
        end()


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = None if chat is None else chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            await lock.acquire()
            ended = False

            def end() -> None:
                nonlocal ended
                if not ended:
                    ended = True
                    lock.release()

            token = _END_TURN.set(end)
            try:
                await coroutine
            finally:
                _END_TURN.reset(token)
                end()
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget quiet chats, so memory follows the active ones
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
