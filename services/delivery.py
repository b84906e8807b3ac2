"""Sending committed outbox rows. Replies are sent right after their commit; at start the bot
sends whatever was committed but not sent (a crash strands nothing). A message Telegram took in
the instant before a crash may be sent twice; nothing is ever lost."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from store.database import Database
from store.models import OutboxMessage

log = logging.getLogger(__name__)
GIVE_UP_AFTER = 5  # attempts, for errors that are not Telegram's "slow down" or "blocked"


class Blocked(Exception):
    """Telegram answered 403: the person blocked the bot (or never started it)."""


class RetryLater(Exception):
    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Transport(Protocol):
    async def call(self, method: str, params: dict[str, Any]) -> int | None:
        """Carry out one Bot API call; the sent message's id, if it made one."""


async def deliver(
    db: Database, transport: Transport, ids: Iterable[int], clock: Callable[[], datetime]
) -> None:
    """Send these rows in order. No transaction is held open while talking to Telegram."""
    wanted = list(ids)
    if not wanted:
        return
    async with db.unit_of_work() as uow:
        messages = [m for m in await uow.outbox.get_many(wanted) if m.status == "pending"]
    for message in messages:
        await _send_one(db, transport, message, clock)


async def drain(db: Database, transport: Transport, clock: Callable[[], datetime], batch: int = 100) -> int:
    """Send every due row that is still pending, e.g. at start after a crash."""
    sent = 0
    while True:
        async with db.unit_of_work() as uow:
            due = await uow.outbox.due(clock(), batch)
        if not due:
            return sent
        for message in due:
            await _send_one(db, transport, message, clock)
        sent += len(due)


async def _send_one(
    db: Database, transport: Transport, message: OutboxMessage, clock: Callable[[], datetime]
) -> None:
    payload = message.payload
    try:
        message_id = await transport.call(payload["method"], payload["params"])
    except Blocked as error:
        await _settle(db, message, "undeliverable", str(error) or "blocked", unreachable=True)
    except RetryLater as error:
        await _postpone(db, message, clock() + timedelta(seconds=error.seconds), str(error))
    except Exception as error:  # network, 5xx, a refused call: retried, then given up with the reason
        log.warning("sending outbox row %s failed: %s", message.id, type(error).__name__)
        if message.attempts + 1 >= GIVE_UP_AFTER:
            await _settle(db, message, "failed", f"{type(error).__name__}: {error}")
        else:
            backoff = timedelta(seconds=2 ** (message.attempts + 1))
            await _postpone(db, message, clock() + backoff, f"{type(error).__name__}: {error}")
    else:
        async with db.unit_of_work() as uow:
            row = await uow.outbox.get_many([message.id])
            await uow.outbox.mark_sent(row[0], clock(), message_id)
            await uow.commit()


async def _settle(
    db: Database, message: OutboxMessage, status: str, error: str, unreachable: bool = False
) -> None:
    async with db.unit_of_work() as uow:
        row = (await uow.outbox.get_many([message.id]))[0]
        await uow.outbox.mark_failed(row, status, error)
        if unreachable and row.person_id is not None:
            person = await uow.people.get(row.person_id)
            if person is not None:
                person.unreachable = True
        await uow.commit()


async def _postpone(db: Database, message: OutboxMessage, until: datetime, error: str) -> None:
    async with db.unit_of_work() as uow:
        row = (await uow.outbox.get_many([message.id]))[0]
        await uow.outbox.postpone(row, until, error)
        await uow.commit()
