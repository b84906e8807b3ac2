"""`circlebot bulletin`: refusals before anything is queued, one transaction, the report."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.sending.heartbeat import beat
from tests.cli.test_cli import one_line

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def join(store, people: Sequence[tuple[int, str, str, str | None]]) -> None:
    """(telegram id, name, role, team) who joined and consented; number 99 was deactivated."""

    async def work(db):
        async with db.unit_of_work() as uow:
            for telegram_id, name, role, team in people:
                team_id = (await uow.teams.get_or_create(team, NOW))[0].id if team else None
                person = await uow.people.add(
                    telegram_id, name, NOW, roles=[role], team_id=team_id, language="en"
                )
                person.consented_at = NOW
                person.deactivated = telegram_id == 99
            await uow.commit()

    store(work)


PEOPLE = [
    (1, "Ana", "home_visitor", "North"),
    (2, "Bea", "home_visitor", "North"),
    (3, "Marta", "supervisor", "North"),
    (4, "Carla", "home_visitor", "South"),
    (99, "Gone", "home_visitor", "North"),
]


def queued(store) -> list[tuple[int, dict[str, Any], datetime, int | None]]:
    async def work(db):
        async with db.unit_of_work() as uow:
            rows = await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), 1000)
        return sorted((row.chat_id, row.payload, row.not_before, row.bulletin_id) for row in rows)

    return store(work)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "team:Nowhere", "--text", "Hi"), "no team called 'Nowhere'"),
        (("--to", "role:wizard", "--text", "Hi"), "unknown role 'wizard'"),
        (("--to", "role:circle_member", "--text", "Hi"), "circle members get no bulletins"),
        (("--to", "everyone", "--text", "Hi"), "--to must be all, role:ROLE or team:NAME"),
        (("--to", "all", "--text", "   "), "the bulletin is empty"),
        (("--to", "all", "--text", "x" * 4095), "over Telegram's limit of 4,096 for a message"),
        (("--to", "all", "--text", "Hi", "--at", "2020-01-01 09:00"), "is in the past"),
        (("--to", "all", "--text", "Hi", "--at", "9999-12-31 23:59"), "is more than a year ahead"),
        (("--to", "all", "--text", "Hi", "--at", "9999-12-31T23:59-05:00"), "is more than a year ahead"),
        (("--to", "all", "--text", "Hi", "--at", "0001-01-01T00:00+05:00"), "is in the past"),
        (("--to", "all", "--text", "Hi", "--at", "next tuesday"), "--at must be a date and time"),
        (("--to", "all", "--text", "Hi", "--photo", "missing.png"), "--photo must be a JPEG, PNG or WebP"),
        (("--to", "team:South", "--text", "Hi"), None),  # South has someone; checked below without --yes
    ],
)
def test_bad_bulletins_are_refused_before_anything_is_queued(circlebot, store, args, message):
    join(store, PEOPLE)
    result = circlebot("bulletin", "send", *args, *(("--yes",) if message else ()))
    assert result.code == 2
    assert (message or "add --yes") in one_line(result.err)
    assert queued(store) == []


def test_a_caption_over_1024_characters_is_refused(circlebot, store, tmp_path):
    join(store, PEOPLE)
    picture = tmp_path / "toy.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    result = circlebot(
        "bulletin", "send", "--to", "all", "--text", "y" * 1023, "--photo", str(picture), "--yes"
    )
    assert result.code == 2 and "limit of 1,024 for a photo's caption" in one_line(result.err)
    assert queued(store) == []


def test_with_no_bot_running_the_bulletin_is_queued_and_the_command_says_so(circlebot, store):
    join(store, PEOPLE)
    result = circlebot("bulletin", "send", "--to", "team:North", "--text", "Visits resume Monday.", "--yes")
    assert result.code == 0, result.err
    assert "Bulletin 1 queued for 3 people." in result.out
    assert "No bot is sending (no heartbeat in the last 5 s)" in result.out
    rows = queued(store)
    assert [chat for chat, *_ in rows] == [1, 2, 3], "the team, not the deactivated, not South"
    assert all(payload["params"]["text"] == "📣 Visits resume Monday." for _, payload, _, _ in rows)
    assert {bulletin for *_, bulletin in rows} == {1}

    again = circlebot("bulletin", "status", "1")
    assert again.code == 0
    assert "to 3 people: 0 delivered, 0 blocked the bot, 0 failed, 3 still on the way" in again.out
    assert circlebot("bulletin", "status", "7").err.strip() == "circlebot: no bulletin 7"


def test_a_bulletin_for_later_waits_for_its_time_in_the_programs_timezone(circlebot, store, cli_env):
    cli_env.setenv("CIRCLEBOT_TIMEZONE", "America/Lima")
    join(store, PEOPLE)
    store(lambda db: beat(db, datetime.now(UTC)))  # a bot is running: the command would follow
    day = (datetime.now(UTC) + timedelta(days=300)).date()  # within the year ahead a bulletin may wait
    result = circlebot(
        "bulletin", "send", "--to", "role:supervisor", "--text", "Team call", "--at", f"{day} 09:00", "--yes"
    )
    assert result.code == 0, result.err
    assert f"goes out at {day}T14:00:00+00:00" in result.out  # Lima keeps UTC-5 all year
    [(chat, _, not_before, _)] = queued(store)
    assert chat == 3 and not_before == datetime(day.year, day.month, day.day, 14, tzinfo=UTC)


def test_enqueuing_the_same_bulletin_twice_queues_nothing_new(store):
    from services.bulletins import bulletins

    join(store, PEOPLE)

    async def twice(db):
        async with db.unit_of_work() as uow:
            bulletin, _ = await bulletins.create(uow, bulletins.Audience("all"), "Hi", NOW, NOW)
            people = await bulletins.recipients(uow, bulletins.Audience("all"))
            messages = [
                (f"bulletin:{bulletin.id}:{p.id}", p.telegram_id, p.id, {"method": "sendMessage"})
                for p in people
            ]
            await uow.outbox.enqueue_bulk(bulletin.id, messages, NOW, NOW + timedelta(seconds=1))
            await uow.commit()

    store(twice)
    assert len(queued(store)) == 4


def test_the_command_follows_a_running_sender_to_the_delivery_report(
    circlebot, store, fake_api, database_url
):
    """A sender beating and sending in another thread plays the running bot."""
    import asyncio
    import threading

    from handlers.transport import BotApiTransport
    from services.sending.delivery import OutboxSender, SentLog
    from services.sending.photos import Photos
    from services.sending.ratelimit import RateLimiter
    from store.database import Database
    from tests.cli.conftest import TOKEN

    join(store, PEOPLE)
    fake_api.blocked.add(2)
    stop = threading.Event()

    async def play_the_bot() -> None:
        db = Database(database_url)
        clock = lambda: datetime.now(UTC)  # noqa: E731
        transport = BotApiTransport(fake_api.root, TOKEN)
        sender = OutboxSender(db, transport, clock, RateLimiter(), SentLog(db, clock), Photos(db))
        try:
            while not stop.is_set():
                await beat(db, clock())
                await sender.drain()
                await sender.log.flush()
                await asyncio.sleep(0.1)
        finally:
            await transport.close()
            await db.dispose()

    bot = threading.Thread(target=lambda: asyncio.run(play_the_bot()))
    store(lambda db: beat(db, datetime.now(UTC)))
    bot.start()
    try:
        result = circlebot(
            "bulletin", "send", "--to", "team:North", "--text", "Visits resume Monday.", "--yes"
        )
    finally:
        stop.set()
        bot.join(10)
    assert result.code == 0, result.err
    assert "Bulletin 1 queued for 3 people." in result.out
    assert "to 3 people: 2 delivered, 1 blocked the bot, 0 failed, 0 still on the way" in result.out
    assert "No bot is sending" not in result.out
    assert [m["text"] for m in fake_api.chats[1]] == ["📣 Visits resume Monday."]


def test_a_photo_from_the_command_line_is_kept_with_the_bulletin_until_it_goes_up(circlebot, store, tmp_path):
    join(store, PEOPLE)
    picture = tmp_path / "toys.jpg"
    picture.write_bytes(b"\xff\xd8\xff" + b"1" * 500)
    result = circlebot(
        "bulletin", "send", "--to", "team:South", "--text", "Toys", "--photo", str(picture), "--yes"
    )
    assert result.code == 0, result.err
    [(chat, payload, _, bulletin_id)] = queued(store)
    assert chat == 4

    async def kept(db):
        async with db.unit_of_work() as uow:
            bulletin = await uow.bulletins.get(bulletin_id)
            assert payload == {
                "method": "sendPhoto",
                "params": {"chat_id": 4, "caption": "📣 Toys"},
                "photo_of": bulletin.photo_id,
            }
            return await uow.photos.data(bulletin.photo_id)

    assert store(kept) == picture.read_bytes()
