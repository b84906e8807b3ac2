"""The sender's port: one Bot API call, and the ways it can fail that the sender tells
apart. `handlers/transport.py` implements it over HTTP; the sender and the handlers that call
Telegram directly (a button's spinner, an admin check) know only this."""

from __future__ import annotations

from typing import Any, Protocol

Files = dict[str, tuple[str, bytes]]  # field: (filename, bytes)


class Blocked(Exception):
    """Telegram answered 403: the person blocked the bot (or never started it)."""


class RetryLater(Exception):
    """Telegram answered 429: slow down, and try again in `seconds`."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class SendFailed(Exception):
    """The call did not go through: Telegram or the way to it failed (no answer, a timeout, a
    5xx). It may pass later, so the row waits through the outage (`delivery.py`)."""


class Rejected(SendFailed):
    """Telegram answered and refused the call (a 4xx other than 401, 403 and 429): the same call
    will be refused again, so the row is given up after a few tries, not waited for."""


class Moved(Rejected):
    """Telegram answered 400 with `migrate_to_chat_id`: the group became a supergroup at
    `new_chat_id` (PTB's `telegram.error.ChatMigrated`); the call is to be made there."""

    def __init__(self, new_chat_id: int, reason: str) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class Transport(Protocol):
    async def call(self, method: str, params: dict[str, Any], files: Files | None = None) -> Any:
        """Carry out one Bot API call, uploading `files` with it; Telegram's result."""
