"""Sending committed outbox rows. Replies are sent right after their commit; at start the bot
sends whatever was committed but not sent (a crash strands nothing). A message Telegram took in
the instant before a crash may be sent twice; nothing is ever lost."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from services.core.backoff import doubling
from services.core.config import DEFAULT_GIVE_UP_AFTER
from services.core.moves import chat_moved
from services.core.outgoing import CLAIM, Outgoing, moved
from services.sending.photos import Photos
from services.sending.ratelimit import RateLimiter
from services.sending.transport import Blocked, Files, Moved, Rejected, RetryLater, SendFailed, Transport
from store.database import Database
from store.statuses import OutboxStatus

log = logging.getLogger(__name__)
# Telegram or the network failing (no answer, a 5xx) is waited out, up to the give-up age
# (CIRCLEBOT_GIVE_UP_AFTER); a call Telegram refused (a 4xx) or our own error would fail the
# same way every time, so it is given up after this many tries (about 30 s):
GIVE_UP_AFTER = 5
INLINE_RETRIES = 4  # a 429 of a few seconds is waited out in place...
INLINE_RETRY_SECONDS = 5.0  # ...a longer one postpones the row
BULK_IN_FLIGHT = 16  # queued messages on their way at once: keeps Telegram's pace over a slow link
BACKOFF_CAP = 300.0  # seconds: a message waiting through an outage goes within 5 min of its end
BATCH_SECONDS = 2.0  # how much sending one claim covers (well inside CLAIM)
# Deactivated means quiet: a queued row (a bulletin, the clock's, the CLI's) for someone
# deactivated by the time it is claimed is withheld, never sent. Replies (priority 0) are not
# withheld: the line telling her she is deactivated must reach her. Only claimed rows are
# queued ones or postponed replies; a reply sent at once after its commit is not claimed here.
WITHHELD_BECAUSE = "deactivated"


def _message_id(result: Any) -> int | None:
    return result.get("message_id") if isinstance(result, dict) else None


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s ... up to BACKOFF_CAP, never above it, with jitter below it so that rows
    failed together are not retried together."""
    return timedelta(seconds=doubling(2.0, BACKOFF_CAP, attempts + 1) * random.uniform(0.75, 1.0))


UPLOADS = {"sendPhoto": ("photo", "chart.png"), "sendDocument": ("document", "file")}  # field, default name


async def _mark_sent(db: Database, sent: dict[int, int | None], now: datetime) -> None:
    """Rows Telegram took, and the disclosures they carried, in one transaction: the log records
    what was sent (never what was only queued), once."""
    async with db.unit_of_work() as uow:
        await uow.outbox.mark_sent(sent, now)
        await uow.disclosure_log.record_sent(sent, now)
        await uow.commit()


class SentLog:
    """Sent rows are recorded in small batches, one short transaction every few milliseconds
    rather than one per reply. A crash loses at most that window's records, and those rows are
    sent again after their claim runs out: duplicates only for what Telegram took just before.
    A write that fails (the store down, locked, full) keeps its batch: it is written again
    with backoff, and meanwhile its rows are held, so this process does not send them again."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        delay: float = 0.01,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,  # between tries of a failed write
    ) -> None:
        self.db = db
        self.clock = clock
        self.delay = delay
        self.sleep = sleep
        self._pending: dict[int, int | None] = {}
        self._recording: set[int] = set()  # taken from _pending, not yet committed
        self._flushing: asyncio.Task[None] | None = None

    def add(self, row_id: int, message_id: int | None) -> None:
        """Row `row_id` was sent; Telegram gave it `message_id`."""
        self._pending[row_id] = message_id
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._record(self.delay))

    def holds(self, row_id: int) -> bool:
        """Sent, but not yet recorded as sent in the store."""
        return row_id in self._pending or row_id in self._recording

    async def flush(self) -> None:
        """Return once every row sent so far is recorded (at shutdown too: stopped while the
        store fails, the rows not recorded are sent again, never lost)."""
        if self._pending and (self._flushing is None or self._flushing.done()):
            self._flushing = asyncio.create_task(self._record(0))
        if self._flushing is not None:
            await self._flushing

    async def _record(self, delay: float) -> None:
        """The one writer: records batches until none is left, trying again with backoff while
        the store fails."""
        await asyncio.sleep(delay)
        failures = 0
        while self._pending:
            batch, self._pending = self._pending, {}
            self._recording.update(batch)
            failed: Exception | None = None
            try:
                await _mark_sent(self.db, batch, self.clock())
            except Exception as error:
                failed = error
                self._pending = batch | self._pending  # held all along: back before it leaves _recording
            finally:
                self._recording.difference_update(batch)
            if failed is not None:  # logged by kind only, like every store failure
                wait = backoff(failures).total_seconds()
                failures += 1
                log.warning(
                    "recording %d sent rows failed (%s); trying again in %.0f s",
                    len(batch),
                    type(failed).__name__,
                    wait,
                )
                await self.sleep(wait)


async def _settle(
    db: Database, outbox_id: int, status: OutboxStatus, error: str, now: datetime, unreachable: bool = False
) -> None:
    async with db.unit_of_work() as uow:
        row = (await uow.outbox.get_many([outbox_id]))[0]
        await uow.outbox.mark_failed(row, status, error, now)
        if unreachable and row.person_id is not None:
            person = await uow.people.get(row.person_id)
            if person is not None:
                person.unreachable = True
        await uow.commit()


async def _postpone(
    db: Database, outbox_id: int, now: datetime, until: datetime, error: str, attempted: bool = True
) -> None:
    async with db.unit_of_work() as uow:
        row = (await uow.outbox.get_many([outbox_id]))[0]
        await uow.outbox.postpone(row, now, until, error, attempted)
        await uow.commit()


@dataclass
class Turn:
    """A chat's place in its lane: after `before` (None: the lane was empty), until `mine` is done."""

    lanes: Lanes
    chat: int
    before: asyncio.Future[None] | None
    mine: asyncio.Future[None]

    async def wait(self) -> None:
        if self.before is not None:
            await asyncio.shield(self.before)  # cancelled here, the turn before still runs

    def leave(self) -> None:
        """The chat's next turn may go: now, or (this one cancelled early) once the one before is done."""
        if self.before is None or self.before.done():
            self.lanes.left(self)
        else:
            self.before.add_done_callback(lambda _: self.lanes.left(self))


class Lanes:
    """Each chat's sendings one after another, in the order they were queued, different chats'
    at once. Entered synchronously, so in the order the callers committed. Only chats with
    something on its way are kept: memory follows the active ones."""

    def __init__(self) -> None:
        self._last: dict[int, asyncio.Future[None]] = {}  # chat -> its latest turn's end

    def enter(self, chat: object) -> Turn | None:
        """A turn behind the chat's latest; None for a call to no chat (it waits for none)."""
        if not isinstance(chat, int):
            return None
        turn = Turn(self, chat, self._last.get(chat), asyncio.get_running_loop().create_future())
        self._last[chat] = turn.mine
        return turn

    def left(self, turn: Turn) -> None:
        turn.mine.set_result(None)
        if self._last.get(turn.chat) is turn.mine:
            del self._last[turn.chat]

    def __len__(self) -> int:
        return len(self._last)


@dataclass(frozen=True)
class OutboxSender:
    """The running bot's one sender: its database, its way to Telegram, its clock, the one
    rate limiter that replies and retries share, and the log that records what was sent."""

    db: Database
    transport: Transport
    clock: Callable[[], datetime]
    limiter: RateLimiter
    log: SentLog
    photos: Photos
    in_flight: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(BULK_IN_FLIGHT))
    on_the_way: set[int] = field(default_factory=set)  # rows this process is sending, not yet settled
    give_up_after: timedelta = DEFAULT_GIVE_UP_AFTER  # how long a row waits through an outage
    lanes: Lanes = field(default_factory=Lanes)  # each chat's sendings, in the order queued

    def queue(self, rows: Iterable[Outgoing], bulk: bool = False) -> Coroutine[Any, Any, None]:
        """Put rows this process has claimed in their chats' lanes now; the sending, for the
        caller to await (it must: the lanes wait for it). Each chat's rows go after those queued
        for it before (whoever queued them), different chats' at once, bulk ones at most
        BULK_IN_FLIGHT at a time. A call to no chat (a button's answer) waits in no lane. Queued
        in commit order, a chat's messages go in commit order; each one sent goes to the log at
        once, so that a crash can repeat only what was on its way. No transaction is held open
        while talking to Telegram. (A coroutine, not a task: a reply needs no task of its own.)"""
        chats: dict[object, list[Outgoing]] = {}
        for row in rows:
            chats.setdefault(row.params.get("chat_id"), []).append(row)
            self.on_the_way.add(row.id)
        turns = [(chat_rows, self.lanes.enter(chat)) for chat, chat_rows in chats.items()]
        return self._send_turns(turns, bulk)

    async def send(self, rows: Iterable[Outgoing], bulk: bool = False) -> None:
        """`queue`, and wait until every row is sent, postponed or settled."""
        await self.queue(rows, bulk)

    async def _send_turns(self, turns: list[tuple[list[Outgoing], Turn | None]], bulk: bool) -> None:
        if not turns:
            return
        if len(turns) == 1:  # a reply: no more tasks to spawn for it
            return await self._send_chat(*turns[0], bulk)
        await asyncio.gather(*(self._send_chat(rows, turn, bulk) for rows, turn in turns))

    async def _send_chat(self, rows: list[Outgoing], turn: Turn | None, bulk: bool) -> None:
        """One chat's rows, in order, once its earlier ones are done. When one must wait, the
        rest wait behind it, so that no one reads the next question before the last."""
        held_until: datetime | None = None
        try:
            if turn is not None:
                await turn.wait()
            for row in rows:
                held_until = await self._send_row(row, bulk, held_until)
                self.on_the_way.discard(row.id)
        finally:  # cancelled: what was not sent stays claimed, and is sent again after its claim
            self.on_the_way.difference_update(row.id for row in rows)
            if turn is not None:
                turn.leave()

    async def _send_row(self, row: Outgoing, bulk: bool, held_until: datetime | None) -> datetime | None:
        """One row, or its postponement behind the chat's earlier one; until when the chat's
        next rows must wait (None: they need not)."""
        if held_until is not None:
            await _postpone(
                self.db, row.id, self.clock(), held_until, "behind an earlier message", attempted=False
            )
            return held_until
        try:
            if bulk:
                async with self.in_flight:
                    message_id = await self._deliver(row, bulk)
            else:
                message_id = await self._deliver(row, bulk)
            self.log.add(row.id, message_id)
        except Blocked as error:
            await _settle(
                self.db, row.id, OutboxStatus.UNDELIVERABLE, str(error) or "blocked", self.clock(), True
            )
        except RetryLater as error:
            held_until = self.clock() + timedelta(seconds=error.seconds)
            await _postpone(self.db, row.id, self.clock(), held_until, str(error))
        except Exception as error:  # retried, then given up with the reason
            log.warning("sending outbox row %s failed: %s", row.id, type(error).__name__)
            outage = isinstance(error, SendFailed) and not isinstance(error, Rejected)
            held_until = await self._retry_or_give_up(row, f"{type(error).__name__}: {error}", outage)
        return held_until

    async def _retry_or_give_up(self, row: Outgoing, reason: str, outage: bool) -> datetime | None:
        """After a failed try: the row is tried again after a backoff, or given up (failed, with
        the reason) once it has waited `give_up_after` since it first failed (an outage), or
        after GIVE_UP_AFTER tries (anything else). Until when the chat's next rows must wait."""
        now = self.clock()
        async with self.db.unit_of_work() as uow:
            message = (await uow.outbox.get_many([row.id]))[0]
            if outage:
                give_up = now - (message.failing_since or now) >= self.give_up_after
            else:
                give_up = row.attempts + 1 >= GIVE_UP_AFTER
            until = None if give_up else now + backoff(row.attempts)
            if until is None:
                await uow.outbox.mark_failed(message, OutboxStatus.FAILED, reason, now)
            else:
                await uow.outbox.postpone(message, now, until, reason)
            await uow.commit()
        return until

    async def _deliver(self, row: Outgoing, bulk: bool) -> int | None:
        """One call, paced by the limiter. A short "slow down" is waited out here, and the try
        again is paced too (tries that all wake at once would be refused together again)."""
        for tries in itertools.count(1):
            try:
                return await self._call(row, bulk)
            except RetryLater as error:
                if error.seconds > INLINE_RETRY_SECONDS or tries > INLINE_RETRIES:
                    raise
                await asyncio.sleep(error.seconds)
            except Moved as error:
                if row.params.get("chat_id") == error.new_chat_id:
                    raise
                row = await self._follow(row, error.new_chat_id)
        raise AssertionError("unreachable")

    async def _follow(self, row: Outgoing, new_chat: int) -> Outgoing:
        """The group became a supergroup: the move recorded as its messages in the groups would
        record it (the circle and every queued row follow), and this row made for the new chat."""
        async with self.db.unit_of_work() as uow:
            await chat_moved(uow, int(row.params["chat_id"]), new_chat)
            await uow.commit()
        method, params = moved(row.method, row.params, new_chat)
        return replace(row, method=method, params=params)

    async def _call(self, row: Outgoing, bulk: bool) -> int | None:
        field, name = UPLOADS.get(row.method, ("", ""))
        if row.photo_of is not None and field and field not in row.params:
            return await self._call_with_file(row, row.photo_of, field, row.filename or name, bulk)
        return _message_id(await self._limited(row, bulk))

    async def _call_with_file(
        self, row: Outgoing, stored: int, field: str, name: str, bulk: bool
    ) -> int | None:
        """The first recipient's message uploads the file; the others wait, then send its id."""
        async with self.photos.lock(stored):
            file_id = await self.photos.file_id(stored)
            if file_id is None:
                result = await self._limited(row, bulk, {field: (name, await self.photos.data(stored))})
                sent = result[field]  # a photo comes back in sizes, a document as itself
                await self.photos.remember(stored, (sent[-1] if isinstance(sent, list) else sent)["file_id"])
                return _message_id(result)
        return _message_id(await self._limited(replace(row, params={**row.params, field: file_id}), bulk))

    async def _limited(self, row: Outgoing, bulk: bool, files: Files | None = None) -> Any:
        chat_id = row.params.get("chat_id")
        if not isinstance(chat_id, int):  # Telegram refuses it: no need to hold a slot
            return await self.transport.call(row.method, row.params, files)
        async with self.limiter.slot(chat_id, bulk):
            return await self.transport.call(row.method, row.params, files)

    async def drain(self, batch: int | None = None) -> int:
        """Claim and send every due row still unsent: queued messages, rows postponed, and at
        start what a crash left behind. Returns how many it took. Rows are claimed about two
        seconds' sending at a time: few pauses between batches, and claims that never run out
        while a batch is on its way."""
        batch = batch or max(30, int(self.limiter.messages_per_second * BATCH_SECONDS))
        taken = 0
        while True:
            now = self.clock()
            async with self.db.unit_of_work() as uow:
                due = [message.id for message in await uow.outbox.due(now, batch)]
                taking = await uow.outbox.claim(due, now, now + CLAIM)
                withheld = await uow.outbox.withhold(taking, WITHHELD_BECAUSE) if taking else set()
                claimed = await uow.outbox.get_many(row for row in taking if row not in withheld)
                await uow.commit()
            if not due:
                return taken
            # A row whose claim ran out while this process still sends it (a reply waiting for
            # its chat's turn), or sent and not yet recorded, is not stranded: it is not sent again.
            claimed = [m for m in claimed if m.id not in self.on_the_way and not self.log.holds(m.id)]
            if not claimed:  # another sender took these first: look for the next ones
                continue
            await self.send(
                (
                    Outgoing(
                        m.id,
                        m.person_id,
                        m.payload["method"],
                        m.payload["params"],
                        m.attempts,
                        m.payload.get("photo_of"),
                        m.payload.get("filename"),
                    )
                    for m in claimed
                ),
                bulk=True,
            )
            taken += len(claimed)
