"""Issue 21 through the Bot API fake, with the real PTB Application: a check-in that alerts tells
her who heard (her supervisor by name, the program's coordinators, or a note that waits for
them) and how to get help now; with no supervisor the program's admins hear it, with no admin
in Telegram it waits in the notices until one joins; a supervisor's own check-in alerts the
admins; and /mytrend gives a worker her own weeks back, with her chart on request."""

from datetime import timedelta

from bot import Wired
from store.database import Database
from store.statuses import NoticeKind
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.services.harness import Clock
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_circles import say, tick
from tests.telegram.test_end_to_end import join

WROTE = ("I found a new toy library.", "A family moved away.")
assert CONTENT.program is not None
HELP_NOW = say("alert.help_now", contact=CONTENT.catalog.pick(CONTENT.program.contact, "en"))


async def check_in(user: FakeUser, wellbeing: str, workload: str, support: str, said: int) -> list[str]:
    """Her /checkin, answered; what the bot said after her last answer (`said` messages)."""
    await user.send("/checkin")
    await user.replies(2)  # who sees what (the flow's description), then the first question
    for label in (wellbeing, workload):
        await user.press(label)
        await user.replies()
    for text in WROTE:
        await user.send(text)
        await user.replies()
    await user.press(support)
    return await user.replies(said)


async def open_alerts(store: Database) -> int:
    async with store.unit_of_work() as uow:
        return len(await uow.notices.open_ones(NoticeKind.ALERT))


async def test_an_alert_checkin_from_her_answers_to_her_message_and_the_supervisors_alert(
    polling_bot: Wired, fake: FakeBotApi, store: Database
) -> None:
    marta, ana = fake.user(10, "Marta"), fake.user(1, "Ana")
    await join(marta, await invite(store, "supervisor", "North"))
    await join(ana, await invite(store, "home_visitor", "North"))

    _, thanks, told = await check_in(ana, "2", "3 – Just about", "Yes", said=3)
    assert thanks == "Thank you for checking in. Take care of yourself this week."
    assert told == f"{say('alert.told_supervisor', name='Marta')}\n\n{HELP_NOW}"
    [alert] = await marta.replies()
    assert alert.startswith(
        "⚠️ Ana may need your support: asked for your support this week; rated their wellbeing very low."
    )
    assert "• Support requested: Yes" in alert and "• Wellbeing: 2" in alert
    assert not any(words in alert for words in WROTE), "scores and reasons, never her words"

    said = await check_in(ana, "4", "4", "No", said=2)  # no alert: nothing about anyone hearing
    assert not any("let know" in text or HELP_NOW in text for text in said)


async def test_with_no_supervisor_the_admins_hear_it_and_she_is_told_so(
    polling_bot: Wired, fake: FakeBotApi, store: Database
) -> None:
    ada, ana = fake.user(30, "Ada"), fake.user(1, "Ana")
    await join(ada, await invite(store, "admin", "Staff"))
    await join(ana, await invite(store, "home_visitor", "North"))  # North has no supervisor

    *_, told = await check_in(ana, "1 – Very low", "2", "No", said=3)
    assert told == f"{say('alert.told_coordinators')}\n\n{HELP_NOW}"
    assert "supervisor" not in told.casefold(), "never told that a supervisor heard"
    [alert] = await ada.replies()
    assert alert.startswith("⚠️ Ana may need support: rated their wellbeing very low. No supervisor of theirs")
    assert "• Wellbeing: 1 – Very low" in alert and not any(words in alert for words in WROTE)
    assert await open_alerts(store) == 0, "told at once: nothing waits"


async def test_with_no_admin_in_telegram_the_alert_waits_and_is_told_when_one_joins(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()  # Tuesday 24 November, 10:00 in Lima
    async with running(fake, store, database_url, clock) as bot:
        ana = fake.user(1, "Ana")
        await join(ana, await invite(store, "home_visitor", "North"))
        *_, told = await check_in(ana, "3 – Okay", "3 – Just about", "Yes", said=3)
        assert told == f"{say('alert.kept_for_coordinators')}\n\n{HELP_NOW}"
        assert await open_alerts(store) == 1

        clock.now += timedelta(days=2)
        ada = fake.user(30, "Ada")
        await join(ada, await invite(store, "admin", "Staff"))
        await tick(bot, fake)
        [alert] = await ada.replies()
        assert alert.startswith("⚠️ Ana may need support: asked for your support this week.")
        assert alert.endswith(say("alert.waited", day="24 Nov"))
        assert await open_alerts(store) == 0
        await tick(bot, fake)
        assert sum("Ana may need support" in m.get("text", "") for m in ada.messages) == 1, "told once"


async def test_a_supervisors_own_checkin_alerts_the_admins_not_herself(
    polling_bot: Wired, fake: FakeBotApi, store: Database
) -> None:
    marta, ada = fake.user(10, "Marta"), fake.user(30, "Ada")
    await join(marta, await invite(store, "supervisor", "North"))
    await join(ada, await invite(store, "admin", "Staff"))

    await marta.send("/checkin")
    own = CONTENT.flows["supervisor_checkin"]
    assert await marta.replies(2) == [
        CONTENT.catalog.pick(own.description, "en") if own.description else "",
        CONTENT.catalog.pick(own.steps[0].ask, "en"),
    ]
    await marta.press("2")
    assert (await marta.replies())[0].startswith("How manageable was supervising this week")
    await marta.press("3 – Just about")
    await marta.replies()
    for text in WROTE:
        await marta.send(text)
        await marta.replies()
    await marta.press("Yes")
    *_, told = await marta.replies(3)
    assert told == f"{say('alert.told_coordinators')}\n\n{HELP_NOW}"
    [alert] = await ada.replies()
    assert alert.startswith(
        "⚠️ Marta, a supervisor, may need support: asked for the program's support this week; "
        "rated their wellbeing very low."
    )
    assert not any("⚠️" in m.get("text", "") for m in marta.messages), "not to herself"


async def test_her_trend_shows_only_her_own_weeks_and_her_chart_on_request(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock) as bot:
        ana, bea = fake.user(1, "Ana"), fake.user(2, "Bea")
        code = await invite(store, "home_visitor", "North", uses=2)
        await join(ana, code)
        await join(bea, code)
        await ana.send("/mytrend")
        assert await ana.replies() == [say("mytrend.none", weeks=8)]

        for ana_says, bea_says in (
            (("5 – Very well", "4"), ("1 – Very low", "2")),
            (("4", "3 – Just about"), ("2", "1")),
        ):
            await check_in(ana, *ana_says, "No", said=2)
            await check_in(bea, *bea_says, "No", said=3)  # low: an alert (to no one yet)
            clock.now += timedelta(days=7)

        await ana.send("/mytrend")
        [trend] = await ana.replies()
        assert trend.splitlines() == [
            say("mytrend.header", weeks=8),
            "wellbeing – ·····█▆·",
            "workload – ·····▆▄·",
            say("mytrend.legend"),
        ]
        await ana.press(say("mytrend.button.chart"))
        assert await ana.replies() == [say("mytrend.preparing")]
        await tick(bot, fake)
        [caption] = await ana.replies()
        assert caption == say("chart.mine_caption", weeks=8)
        assert fake.uploads[ana.messages[-1]["photo"][0]["file_id"]].startswith(b"\x89PNG")
        assert not any(m.get("photo") for m in bea.messages), "her chart goes to her alone"
