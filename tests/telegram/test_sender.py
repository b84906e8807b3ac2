"""The outbox sender against the Bot API fake with Telegram's limits on."""

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from handlers.transport import BotApiTransport
from services.core.outgoing import CLAIM, Outgoing
from services.sending.delivery import BACKOFF_CAP, GIVE_UP_AFTER, OutboxSender, SentLog
from services.sending.photos import Photos
from services.sending.ratelimit import RateLimiter
from store.database import Database
from store.urls import sqlite_path
from tests.conftest import _admin
from tests.fakebotapi import NO_ANSWER, FakeBotApi, Limits
from tests.telegram.conftest import TOKEN

CAP = timedelta(seconds=BACKOFF_CAP)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sender(fake: FakeBotApi, store: Database, clock: Clock) -> AsyncIterator[OutboxSender]:
    transport = BotApiTransport(fake.root, TOKEN)
    yield OutboxSender(store, transport, clock, RateLimiter(), SentLog(store, clock), Photos(store))
    await transport.close()


async def claimed_messages(sender: OutboxSender, chat_id: int, texts: list[str]) -> list[Outgoing]:
    rows, now = [], sender.clock()
    async with sender.db.unit_of_work() as uow:
        for n, text in enumerate(texts):
            params = {"chat_id": chat_id, "text": text}
            payload = {"method": "sendMessage", "params": params}
            row_id = await uow.outbox.enqueue(f"test:{n}", chat_id, payload, now, claimed_until=now + CLAIM)
            assert row_id is not None
            rows.append(Outgoing(row_id, None, "sendMessage", params))
        await uow.commit()
    return rows


async def attempts_and_due(sender: OutboxSender, rows: list[Outgoing]) -> list[tuple[str, int, datetime]]:
    async with sender.db.unit_of_work() as uow:
        found = await uow.outbox.get_many([row.id for row in rows])
    return [(row.status, row.attempts, row.not_before) for row in found]


async def test_a_failed_message_holds_the_rest_of_its_chat_so_the_order_is_kept(
    sender: OutboxSender, fake: FakeBotApi, clock: Clock
):
    fake.fail_next = [502]
    rows = await claimed_messages(sender, 5, ["first question", "second question"])
    await sender.send(rows)
    assert 5 not in fake.chats, "the second question never overtakes the first"
    (status1, tries1, due1), (status2, tries2, due2) = await attempts_and_due(sender, rows)
    assert status1 == status2 == "pending" and due1 == due2 > sender.clock()
    assert (tries1, tries2) == (1, 0), "only the failed one counts as a try"

    assert await sender.drain() == 0, "retried after the backoff, not before"
    clock.now += timedelta(seconds=3)
    assert await sender.drain() == 2
    assert [m["text"] for m in fake.chats[5]] == ["first question", "second question"]


async def test_a_long_slow_down_is_waited_out_in_the_outbox_not_in_place(
    sender: OutboxSender, fake: FakeBotApi, clock: Clock
):
    fake.limits = Limits(per_chat_burst=1, per_chat_per_second=0.1)  # 10 s between messages
    assert fake.limits.check(5, time.monotonic()) is None  # an earlier message fills the window
    rows = await claimed_messages(sender, 5, ["hello"])
    await sender.send(rows)
    [(status, tries, due)] = await attempts_and_due(sender, rows)
    assert (status, tries) == ("pending", 1)
    assert timedelta(seconds=9) <= due - sender.clock() <= timedelta(seconds=11), "as Telegram said"
    fake.limits = None
    clock.now = due
    assert await sender.drain() == 1
    assert [m["text"] for m in fake.chats[5]] == ["hello"]


async def test_a_short_slow_down_is_waited_out_in_place_and_the_message_sent_once(
    sender: OutboxSender, fake: FakeBotApi
):
    fake.limits = Limits(per_chat_burst=1, per_chat_per_second=1)  # Telegram says: retry after 1 s
    assert fake.limits.check(5, time.monotonic()) is None
    rows = await claimed_messages(sender, 5, ["hello"])
    began = time.monotonic()
    await sender.send(rows)
    assert time.monotonic() - began >= 0.9, "it waited as Telegram asked"
    assert fake.throttled == 1
    assert [m["text"] for m in fake.chats[5]] == ["hello"]
    await sender.log.flush()
    [(status, tries, _)] = await attempts_and_due(sender, rows)
    assert (status, tries) == ("sent", 1)


async def queued_messages(db: Database, chats: range, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        for chat_id in chats:
            payload = {"method": "sendMessage", "params": {"chat_id": chat_id, "text": f"news for {chat_id}"}}
            await uow.outbox.enqueue(f"news:{chat_id}", chat_id, payload, now)
        await uow.commit()


async def test_two_senders_racing_for_the_same_rows_send_each_once(
    fake: FakeBotApi, store: Database, database_url: str, clock: Clock
):
    await queued_messages(store, range(1, 301), clock())
    other_db = Database(database_url)  # as if a second bot process had started
    async with other_db.unit_of_work() as uow:  # connected before the race, like a running bot
        await uow.outbox.due(clock(), 1)
    transports = [BotApiTransport(fake.root, TOKEN), BotApiTransport(fake.root, TOKEN)]
    senders = [
        OutboxSender(db, transport, clock, RateLimiter(scale=20), SentLog(db, clock), Photos(db))
        for db, transport in zip((store, other_db), transports, strict=True)
    ]
    try:
        taken = await asyncio.gather(*(sender.drain(batch=25) for sender in senders))
        for sender in senders:
            await sender.log.flush()
    finally:
        for transport in transports:
            await transport.close()
        await other_db.dispose()
    assert sum(taken) == 300 and all(taken), "both took part, and no row was taken twice"
    assert sorted(fake.chats) == list(range(1, 301))
    assert all(len(messages) == 1 for messages in fake.chats.values())
    async with store.unit_of_work() as uow:
        assert await uow.outbox.due(clock() + timedelta(days=1), 1000) == []


def on_the_clock(
    sender: OutboxSender, clock: Clock, give_up_after: timedelta = timedelta(hours=24)
) -> OutboxSender:
    """The sender with its rate limiter on the test's clock too: simulated hours pass in a
    second, each try in its own window."""
    limiter = RateLimiter(clock=lambda: clock().timestamp())
    return replace(sender, limiter=limiter, give_up_after=give_up_after)


async def only_row(store: Database) -> tuple[str, int, datetime, str | None]:
    async with store.unit_of_work() as uow:
        [row] = await uow.outbox.get_many([1])
    return row.status, row.attempts, row.not_before, row.last_error


async def test_a_message_waits_through_six_hours_of_outage_and_goes_once_when_telegram_is_back(
    sender: OutboxSender, fake: FakeBotApi, store: Database, clock: Clock
):
    sender = on_the_clock(sender, clock)
    await queued_messages(store, range(7, 8), clock())
    fake.outage, began, pauses = NO_ANSWER, clock(), []
    while clock() < began + timedelta(hours=6):
        assert await sender.drain() == 1
        status, _, due, error = await only_row(store)
        assert (status, error) == ("pending", "SendFailed: Server disconnected")
        pauses.append(due - clock())
        clock.now = due
    assert 7 not in fake.chats
    assert pauses[:4] == sorted(pauses[:4]) and max(pauses) <= CAP and max(pauses) > CAP * 0.7
    fake.outage = None
    assert await sender.drain() == 1, "tried again within 5 minutes of Telegram's return"
    await sender.log.flush()
    assert [m["text"] for m in fake.chats[7]] == ["news for 7"]
    assert (await only_row(store))[0] == "sent"
    clock.now += timedelta(days=1)
    assert await sender.drain() == 0, "sent once"


async def test_a_message_is_given_up_with_its_reason_once_older_than_the_give_up_age(
    sender: OutboxSender, fake: FakeBotApi, store: Database, clock: Clock
):
    sender = on_the_clock(sender, clock, give_up_after=timedelta(hours=1))
    await queued_messages(store, range(7, 8), clock())
    fake.outage, began = 502, clock()
    while (status := (await only_row(store))[0]) == "pending":
        clock.now = max(clock(), (await only_row(store))[2])
        assert await sender.drain() == 1
    status, attempts, _, error = await only_row(store)
    assert status == "failed" and error == "SendFailed: 502: Bad Gateway"
    assert timedelta(hours=1) <= clock() - began <= timedelta(hours=1) + CAP
    assert attempts > GIVE_UP_AFTER
    assert 7 not in fake.chats


async def test_a_call_telegram_refuses_fails_within_a_minute_while_a_server_error_is_waited_out(
    sender: OutboxSender, fake: FakeBotApi, store: Database, clock: Clock
):
    sender = on_the_clock(sender, clock)
    await queued_messages(store, range(7, 8), clock())
    fake.outage, began = 502, clock()
    while clock() < began + timedelta(minutes=10):
        assert await sender.drain() == 1
        clock.now = (await only_row(store))[2]
    assert (await only_row(store))[0] == "pending", "ten minutes of 502 is waited out"
    fake.outage = None
    async with store.unit_of_work() as uow:  # Telegram refuses an empty message, every time
        await uow.outbox.enqueue(
            "empty", 8, {"method": "sendMessage", "params": {"chat_id": 8, "text": ""}}, clock()
        )
        await uow.commit()
    refused_at = clock()
    while True:
        await sender.drain()
        async with store.unit_of_work() as uow:
            [row] = await uow.outbox.get_many([2])
        if row.status != "pending":
            break
        clock.now = row.not_before
    assert (row.status, row.attempts) == ("failed", GIVE_UP_AFTER)
    assert row.last_error == "Rejected: 400: Bad Request: message text is empty"
    assert clock() - refused_at < timedelta(minutes=1)
    await sender.log.flush()
    assert [m["text"] for m in fake.chats[7]] == ["news for 7"], "the other went once Telegram was back"


@asynccontextmanager
async def store_down(database_url: str) -> AsyncIterator[None]:
    """The store fails for real: SQLite locked by another connection's write (a write waits
    out the busy timeout, then fails), PostgreSQL refusing every connection."""
    path = sqlite_path(database_url)
    if path is not None:
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        return
    base, name = database_url.rsplit("/", 1)
    await _admin(f"{base}/postgres", f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    await _admin(
        f"{base}/postgres", f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    )
    try:
        yield
    finally:
        await _admin(f"{base}/postgres", f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


async def test_sent_rows_whose_record_failed_stay_held_and_are_recorded_once_when_the_store_is_back(
    fake: FakeBotApi, store: Database, database_url: str, clock: Clock
):
    failed, back = asyncio.Event(), asyncio.Event()

    async def pause(_seconds: float) -> None:  # the SentLog's wait before it writes again
        failed.set()
        await back.wait()

    transport = BotApiTransport(fake.root, TOKEN)
    sender = OutboxSender(
        store, transport, clock, RateLimiter(), SentLog(store, clock, sleep=pause), Photos(store)
    )
    try:
        rows = await claimed_messages(sender, 5, ["first", "second"])
        async with store_down(database_url):
            await sender.send(rows)  # Telegram takes them; recording them fails
            await asyncio.wait_for(failed.wait(), 30)
        clock.now += CLAIM + timedelta(seconds=1)  # their claim ran out, the store answers again
        assert await sender.drain() == 0, "held: not sent again"
        back.set()
        await sender.log.flush()
    finally:
        await transport.close()
    assert [m["text"] for m in fake.chats[5]] == ["first", "second"]
    assert [(status, tries) for status, tries, _ in await attempts_and_due(sender, rows)] == [("sent", 1)] * 2
    clock.now += timedelta(days=1)
    assert await sender.drain() == 0


async def test_a_bulletins_photo_is_uploaded_once_and_sent_to_everyone_by_its_file_id(
    sender: OutboxSender, fake: FakeBotApi, store: Database, clock: Clock
):
    from services.bulletins import bulletins

    async with store.unit_of_work() as uow:
        for telegram_id in range(11, 16):
            person = await uow.people.add(telegram_id, f"P{telegram_id}", clock(), language="en")
            person.consented_at = clock()
        picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
        bulletin, count = await bulletins.create(
            uow, bulletins.Audience("all"), "Our toy library opens Friday.", clock(), clock(), photo=picture
        )
        await uow.commit()
    assert await sender.drain() == count == 5
    assert list(fake.uploads.values()) == [picture], "uploaded once"
    [file_id] = fake.uploads
    for chat in range(11, 16):
        [message] = fake.chats[chat]
        assert message["text"] == "📣 Our toy library opens Friday."
        assert message["photo"][0]["file_id"] == file_id
    async with store.unit_of_work() as uow:
        assert bulletin.photo_id is not None
        assert await uow.photos.file_id(bulletin.photo_id) == file_id
        assert await uow.photos.data(bulletin.photo_id) == b"", "the bytes are let go once Telegram has them"


async def test_a_reply_still_on_its_way_when_its_claim_runs_out_is_not_sent_again(
    sender: OutboxSender, fake: FakeBotApi, clock: Clock
):
    """Five replies to one chat: the last two wait for the chat's turn (a burst of three, then
    one a second). Meanwhile their claim runs out and the sending loop looks for stranded rows."""
    rows = await claimed_messages(sender, 7, [f"reply {n}" for n in range(5)])
    sending = asyncio.create_task(sender.send(rows))
    await fake.wait_until(lambda: len(fake.chats.get(7, [])) == 3)
    clock.now += CLAIM + timedelta(seconds=1)
    assert await sender.drain() == 0  # nothing stranded: they are on their way
    await sending
    await sender.log.flush()
    clock.now += CLAIM + timedelta(seconds=1)
    assert await sender.drain() == 0  # and once recorded, nothing is due
    assert [m["text"] for m in fake.chats[7]] == [f"reply {n}" for n in range(5)]
