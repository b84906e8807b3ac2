"""A circle's group upgraded to a supergroup (issue 18, item 4), through the real PTB
Application against the Bot API fake: a facilitator and members go on in the new chat whichever
of Telegram's three signals tells the bot (the `migrate_to_chat_id` message in the old chat,
the `migrate_from_chat_id` one in the new chat, the 400 to a send to the old id), alone, all of
them in either order, or twice; nothing is sent twice, nothing is lost, and message ids that
restart in the supergroup never mix two members' words."""

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from store.database import Database
from store.models import Circle, Contribution
from store.statuses import SessionStatus
from tests.fakebotapi import FakeBotApi, FakeGroup, FakeUser, Notice
from tests.services.harness import Clock
from tests.telegram.conftest import running, wired
from tests.telegram.test_circles import (
    CIRCLES_ONLY,
    MONDAY_NOON,
    TUESDAY_3PM,
    circle_with,
    say,
    settle,
    start,
    texts,
    tick,
    wait_for,
)

BASIC = -4001234  # a basic group's id; its supergroup's is -100…
DAY_BEFORE, HOUR_BEFORE = TUESDAY_3PM - timedelta(days=1), TUESDAY_3PM - timedelta(hours=1)


async def circle_in_basic_group(
    fake: FakeBotApi, store: Database, joined: int = 2
) -> tuple[FakeUser, list[FakeUser], FakeGroup]:
    """Fatima's circle in a basic group, where the first `joined` members tapped Join."""
    return await circle_with(fake, store, joined, BASIC, basic=True)


def monday() -> Clock:
    """The test's clock, the day before the circle's first meeting."""
    clock = Clock()
    clock.now = MONDAY_NOON
    return clock


async def circle_chat(store: Database) -> int | None:
    """The chat id the (one) circle lives at."""
    async with store.unit_of_work() as uow:
        return await uow.session.scalar(select(Circle.chat_id))


async def until_moved(store: Database, new: int) -> None:
    """Until the circle lives at the supergroup's id."""
    deadline = time.monotonic() + 15
    while await circle_chat(store) != new:
        assert time.monotonic() < deadline, "the circle never moved"
        await asyncio.sleep(0.05)


def sends_to(fake: FakeBotApi, chat_id: int) -> int:
    """The bot's calls that post to this chat, answered or refused."""
    return sum(
        1
        for call in fake.calls
        if call.method.startswith("send") and str(call.params.get("chat_id")) == str(chat_id)
    )


async def test_a_session_goes_on_in_the_supergroup_and_same_message_ids_stay_apart(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = monday()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, beto, _), group = await circle_in_basic_group(fake, store)
        await fatima.say(group, "/session")
        await wait_for(fake, group, "Look back ·")
        before = await ana.say(group, "At bath time she sings with him.")
        await settle(fake)
        posts = len(group.messages)

        # Mid-session the group becomes a supergroup; its ids start again, and Ana's next
        # message there gets the very id her last one had in the old chat.
        new = await group.migrate(fatima, first_message_id=before - 1)
        await until_moved(store, new.chat_id)
        after = await ana.say(new, "The father sings too.")
        assert after == before
        await ana.edit(new, after, "The father sings too, on Sundays.")
        await beto.say(new, "Mine hums.")
        await fatima.say(new, "/next")
        await wait_for(fake, new, "Propose a case ·")
        await wait_for(fake, beto, start("circle.private_prompt"))
        await beto.send("A father who is never home at visit time")
        await wait_for(fake, beto, start("circle.case_check"))
        await fatima.press_in(new, say("circle.button.next"))  # the control buttons work there too
        await wait_for(fake, new, "Choose a case ·")
        await beto.say(new, "I vote for mine.")
        await settle(fake)

    assert len(group.messages) == posts  # nothing more went to the old chat
    async with store.unit_of_work() as uow:
        circle = await uow.session.scalar(select(Circle))
        assert circle is not None and circle.chat_id == new.chat_id
        (session,) = await uow.circles.sessions_with(circle.id, (SessionStatus.OPEN,))
        said = {
            (c.chat_id, c.message_id): c.text
            for c in await uow.circles.contributions(session.id)
            if c.message_id is not None
        }
    assert said[(BASIC, before)] == "At bath time she sings with him."  # kept, and not edited
    assert said[(new.chat_id, after)] == "The father sings too, on Sundays."
    assert len(said) == 4


@pytest.mark.parametrize(
    "notices", [("to",), ("from",), ()], ids=["migrate_to only", "migrate_from only", "the 400 only"]
)
async def test_each_signal_alone_moves_the_circle(
    fake: FakeBotApi, store: Database, database_url: str, notices: tuple[Notice, ...]
) -> None:
    clock = monday()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, _, _), group = await circle_in_basic_group(fake, store, joined=1)
        posts = len(group.messages)
        new = await group.migrate(fatima, notices=notices)
        if notices:
            await until_moved(store, new.chat_id)
        clock.now = DAY_BEFORE
        await tick(bot, fake)  # the reminder: to the new chat, or refused at the old one and sent there
        await wait_for(fake, new, start("circle.reminder_day"))
        await until_moved(store, new.chat_id)
        await fatima.say(new, "/session")
        await wait_for(fake, new, "Look back ·")
        await ana.say(new, "We tried the song.")
        await settle(fake)
    assert len(group.messages) == posts
    assert texts(new).count(start("circle.reminder_day")) == 1
    assert sends_to(fake, BASIC) - posts == (0 if notices else 1)  # only the send that learnt it
    async with store.unit_of_work() as uow:
        kept = list(await uow.session.scalars(select(Contribution.chat_id)))
    assert kept == [new.chat_id]


@pytest.mark.parametrize("order", [("to", "from"), ("from", "to")], ids=["to, from", "from, to"])
async def test_every_signal_in_either_order_twice_changes_nothing_more(
    fake: FakeBotApi, store: Database, database_url: str, order: tuple[Notice, Notice]
) -> None:
    """The 400 first (the clock's reminder), then both service messages, twice: each post
    reaches the new chat once, and the old chat gets nothing after the upgrade."""
    clock = monday()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, beto, _), group = await circle_in_basic_group(fake, store)
        posts = len(group.messages)
        new = await group.migrate(fatima, notices=())
        clock.now = DAY_BEFORE
        await tick(bot, fake)
        await until_moved(store, new.chat_id)
        for notice in (*order, *order):
            await group.tell_moved(notice)
            await settle(fake)
        clock.now = HOUR_BEFORE
        await tick(bot, fake)
        clock.now = TUESDAY_3PM  # the session opens by itself
        await tick(bot, fake)
        await wait_for(fake, new, "Look back ·")
        await ana.say(new, "We tried the song.")
        await fatima.say(new, "/next")
        await wait_for(fake, beto, start("circle.private_prompt"))
        await settle(fake)
    assert await circle_chat(store) == new.chat_id
    assert len(group.messages) == posts and sends_to(fake, BASIC) == posts + 1
    shown = texts(new)
    for once in (start("circle.reminder_day"), "meets in one hour", "Look back ·", "Propose a case ·"):
        assert shown.count(once) == 1, once


async def test_a_post_queued_for_the_old_chat_while_the_bot_was_down_goes_once_to_the_new(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = monday()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, _, _), group = await circle_in_basic_group(fake, store, joined=1)
    posts = len(group.messages)
    new = await group.migrate(fatima)  # while the bot is down: its notices wait for it
    clock.now = DAY_BEFORE
    await wired(fake, store, database_url, clock, CIRCLES_ONLY).clockwork.tick()  # queued, not sent
    async with store.unit_of_work() as uow:
        queued = [row for row in await uow.outbox.queued_for(BASIC) if row.payload["method"] == "sendMessage"]
    assert queued, "the reminder waits for the old chat"
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        await wait_for(fake, new, start("circle.reminder_day"))
        await until_moved(store, new.chat_id)
        await fatima.say(new, "/session")
        await wait_for(fake, new, "Look back ·")
        await settle(fake)
    assert texts(new).count(start("circle.reminder_day")) == 1
    assert len(group.messages) == posts
    assert "meets tomorrow" in texts(ana)  # her private one, as ever
