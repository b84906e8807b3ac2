"""Issue 19, item 3, through the real PTB Application against the Bot API fake: while a group's
posts wait for its window (the fake holds them unanswered), a tap in that group is still
answered at once, a member's private welcome still goes, and every chat's messages reach
Telegram in the order they were committed."""

from typing import Any

from sqlalchemy import select

from store.database import Database
from store.models import OutboxMessage
from tests.fakebotapi import POSTS, FakeBotApi
from tests.services.harness import Clock
from tests.telegram.conftest import running
from tests.telegram.test_circles import CIRCLES_ONLY, GROUP, circle_with, say, start, wait_for


def arrived(fake: FakeBotApi, chat_id: int) -> list[tuple[str, Any]]:
    """The messages and edits for this chat that reached the fake, in the order they arrived
    (held or not)."""
    return [
        (call.method, call.params.get("text"))
        for call in fake.calls
        if str(call.params.get("chat_id")) == str(chat_id) and call.method in POSTS
    ]


async def committed(store: Database, chat_id: int) -> list[tuple[str, Any]]:
    """The chat's messages in the outbox, in the order they were committed."""
    async with store.unit_of_work() as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        calls = (row.payload for row in rows)  # a button's answer or a menu is no chat's message
        return [
            (c["method"], c["params"].get("text")) for c in calls if c["params"].get("chat_id") == chat_id
        ]


async def test_a_tap_is_answered_while_the_groups_posts_wait_and_each_chat_keeps_its_order(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    async with running(fake, store, database_url, Clock(), CIRCLES_ONLY) as bot:
        fatima, (ana, beto, _), group = await circle_with(fake, store, joined=1)
        diego = fake.user(599, "Diego")  # in the group, never in circlebot
        await group.join(diego)
        await fatima.say(group, "/session")
        await wait_for(fake, group, "Look back ·")
        posted = len(group.messages)

        fake.hold(GROUP)  # the group's minute is full: its posts wait
        await fatima.say(group, "/next")
        await fake.wait_until(lambda: fake.on_hold[GROUP] == 1)
        await fatima.say(group, "/prev")  # its post queued behind; the taps come after it
        await diego.press_in(group, say("circle.button.join"))
        await fake.wait_until(lambda: "start=" in str(fake.button_answers[-1:]), 10)
        assert fake.button_answers[-1]["text"] == say("circle.join_first")  # her one-tap link
        await beto.press_in(group, say("circle.button.join"))  # a member: welcomed privately
        await wait_for(fake, beto, start("circle.welcome"))
        assert fake.button_answers[-1]["text"] == say("circle.joined_notice", name="North district circle")
        assert fake.on_hold[GROUP] == 1 and len(group.messages) == posted  # nothing released yet

        held = await committed(store, GROUP)
        assert [text[:8] for _, text in held[-2:]] == ["Propose ", "Look bac"]
        fake.release(GROUP)
        for chat in (GROUP, *(person.id for person in (fatima, ana, beto))):
            expected = await committed(store, chat)
            await fake.wait_until(lambda: len(arrived(fake, chat)) >= len(expected))  # noqa: B023
            assert arrived(fake, chat) == expected, chat
        await fake.wait_until(lambda: len(bot.sender.lanes) == 0)  # idle lanes are forgotten
