"""Consent to messages withdrawn without erasure (issue 23): /away "until I say so" through the
real PTB Application and the Bot API fake, on a controllable clock. For months no check-in, no
PDSA data prompt and no bulletin reaches her (her teammate gets them all), while what she sends
is still answered; when she ends it herself, they come again."""

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot import Wired
from flows.schedules import Schedule
from services.bulletins import bulletins
from services.bulletins.bulletins import Audience
from store.database import Database
from store.statuses import ProjectStatus
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.services.harness import Clock
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_end_to_end import join

MONDAY_9_LIMA = datetime(2026, 11, 30, 14, tzinfo=UTC)
FIVE_PM = timedelta(hours=8)  # the PDSA prompts' time (pdsa.yaml) and the bulletin's
BULLETIN = {
    "id": "monday_note",
    "what": {"bulletin": {"en": "Team meeting on Thursday.", "es": "Reunión del equipo el jueves."}},
    "to": "role:home_visitor",
    "when": {"weekly": "monday", "at": "17:00"},
}
WITH_BULLETIN = dataclasses.replace(
    CONTENT,
    schedules=CONTENT.schedules.model_copy(
        update={"schedules": (*CONTENT.schedules.schedules, Schedule.model_validate(BULLETIN))}
    ),
)
CHECKIN = "A few questions about your week."
PROMPT = "Time to log “Visits kept” for today"
NOTE = "📣 Team meeting on Thursday."


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


async def team_project(store: Database, owner: FakeUser, first_prompt: datetime) -> None:
    """Her team's PDSA project in its first cycle's Do: every member is asked for each day's value."""
    async with store.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(owner.id)
        assert person is not None
        project = await uow.projects.add(
            person.id, first_prompt, team_id=person.team_id, measure="Visits kept", unit="visits"
        )
        project.status, project.lowest, project.highest = ProjectStatus.ACTIVE, 0, 10
        cycle = await uow.projects.add_cycle(project, first_prompt, {})
        cycle.stage, cycle.started_at, cycle.next_prompt_at = "do", first_prompt, first_prompt
        await uow.commit()


async def monday(bot: Wired, clock: Clock, day: datetime) -> None:
    """The clock's work at 09:00 (the check-in) and 17:00 (the bulletin, the data prompt) in Lima,
    each done and what it queued handed to Telegram before this returns."""
    for moment in (day, day + FIVE_PM):
        clock.now = moment
        await bot.clockwork.tick()
        while await bot.sender.drain():
            pass


def texts(user: FakeUser, since: int) -> str:
    return "\n".join(str(message.get("text", "")) for message in user.messages[since:])


def came(user: FakeUser, since: int, *words: str) -> Callable[[], bool]:
    """Each of `words` in what the bot sent her since her message number `since`."""
    return lambda: all(one in texts(user, since) for one in words)


async def test_away_until_she_says_so_stops_every_scheduled_message_for_months_until_she_ends_it(
    fake: FakeBotApi, store: Database, database_url: str
):
    clock = Clock()
    ana, bea = fake.user(1, "Ana"), fake.user(2, "Bea")
    async with running(fake, store, database_url, clock, WITH_BULLETIN) as bot:
        await join(ana, await invite(store, "home_visitor", "North"))
        await join(bea, await invite(store, "home_visitor", "North"))
        await team_project(store, ana, MONDAY_9_LIMA + FIVE_PM)

        await ana.send("/away")
        [ask] = await ana.replies()
        assert ask.startswith("Going away? Write the day you will be back")
        await ana.press(say("away.button.open"))
        [stopped] = await ana.replies()
        assert stopped == say("away.set_open") and "Nothing is erased" in stopped

        for week in (0, 8, 16):  # four months of Mondays
            teammates = len(bea.messages)
            await monday(bot, clock, MONDAY_9_LIMA + timedelta(weeks=week))
            await fake.wait_until(came(bea, teammates, NOTE, PROMPT), 15)
            await ana.send("/help")  # what she sends is still answered, and that is all she gets
            [only] = await ana.replies()
            assert only.startswith("Here is what you can do:"), f"week {week}: {only!r} reached her"

        await ana.send("/away")
        [status] = await ana.replies()
        assert status == say("away.status_open"), "no date: none was made up"
        assert ana.messages[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == say("away.button.end")
        await ana.press(say("away.button.end"))
        assert await ana.replies() == [say("away.ended")]

        hers = len(ana.messages)
        await monday(bot, clock, MONDAY_9_LIMA + timedelta(weeks=17))
        await fake.wait_until(came(ana, hers, CHECKIN, NOTE, PROMPT), 15)  # they come again


async def test_a_bulletin_sent_now_does_not_reach_her_and_off_ends_it(
    fake: FakeBotApi, store: Database, database_url: str
):
    clock = Clock()
    ana, bea = fake.user(1, "Ana"), fake.user(2, "Bea")
    async with running(fake, store, database_url, clock) as bot:
        await join(ana, await invite(store, "home_visitor", "North"))
        await join(bea, await invite(store, "home_visitor", "North"))
        await ana.send("/away")
        await ana.replies()
        await ana.press(say("away.button.open"))
        await ana.replies()

        async with store.unit_of_work() as uow:  # what `circlebot bulletin --to team:North` does
            _, total = await bulletins.create(
                uow, Audience("team", "North"), "Team meeting.", clock.now, clock.now
            )
            await uow.commit()
        assert total == 1, "she is not counted"
        while await bot.sender.drain():
            pass
        assert await bea.replies() == ["📣 Team meeting."]

        await ana.send("/away")
        assert await ana.replies() == [say("away.status_open")], "the bulletin did not reach her"
        await ana.send("off")
        assert await ana.replies() == [say("away.ended")]
