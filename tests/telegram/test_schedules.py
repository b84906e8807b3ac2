"""Schedules through the real PTB Application and its JobQueue, over HTTP against the Bot API
fake, on a controllable clock: a check-in that fell due while the bot was down reaches her when
it starts again, her answers alert her supervisor, and /summary brings the team's summary and
its chart as an uploaded photo."""

from datetime import UTC, datetime

from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.services.harness import Clock
from tests.telegram.conftest import invite, running
from tests.telegram.test_end_to_end import join

MONDAY_9_30_LIMA = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)


async def test_a_checkin_missed_while_down_arrives_at_start_then_alerts_and_a_summary(
    fake: FakeBotApi, store: Database, database_url: str
):
    clock = Clock()  # Tuesday 24 November
    marta, ana = fake.user(10, "Marta"), fake.user(1, "Ana")
    async with running(fake, store, database_url, clock):
        await join(marta, await invite(store, "supervisor", "North"))
        await join(ana, await invite(store, "home_visitor", "North"))
    assert ana.messages[-1]["text"].startswith("Here is what you can do:")

    clock.now = MONDAY_9_30_LIMA  # the bot was down at 09:00 on Monday
    async with running(fake, store, database_url, clock):
        told, question = await ana.replies(2)
        assert told.startswith("A few questions about your week.") and "never what you write" in told
        assert question == "How are you feeling this week, overall?"
        for label in ("2", "3 – Just about"):
            await ana.press(label)
            await ana.replies()
        for text in ("I found a new toy library.", "A family moved away."):
            await ana.send(text)
            await ana.replies()
        await ana.press("Yes")
        await ana.replies(2)
        [alert] = await marta.replies()
        assert alert.startswith(
            "⚠️ Ana may need your support: asked for your support this week; rated their wellbeing very low."
        )

        await marta.send("/summary")
        preparing, page, chart = await marta.replies(3)
        assert preparing == "Preparing your team's summary: it will be here in a moment."
        assert page.startswith("📋 Weekly summary for North, 24/11–30/11")
        assert (
            "• Ana — ✓ checked in\n  wellbeing 2 ·······▂ · workload 3 ·······▄ · asked for support" in page
        )
        photo = marta.messages[-1]
        assert chart == photo["text"] == "North: wellbeing over the last 8 weeks."
        assert fake.uploads[photo["photo"][0]["file_id"]].startswith(b"\x89PNG"), "the chart went up as a PNG"
