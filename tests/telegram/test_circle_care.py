"""Issue 21 through the real PTB Application and the Bot API fake: attendance is not surveillance
(a silent member who pressed "I'm here" attended, one who said "I'll be there" and never came is
expected, not missed, up to the supervisor's summary; the facilitator corrects one), and a
case title is hers until she confirms it (confirmed, rewritten, withdrawn before the vote; a
withdrawal once the vote has opened is refused kindly)."""

from datetime import timedelta

from sqlalchemy import select

from store.database import Database
from store.models import Contribution
from tests.fakebotapi import FakeBotApi
from tests.services.harness import Clock
from tests.telegram.conftest import invite, running
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
from tests.telegram.test_end_to_end import join

CIRCLE = "North district circle"


async def test_a_silent_member_who_said_im_here_attended_and_one_who_never_came_is_not_missed(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    clock.now = MONDAY_NOON
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, beto, carla), group = await circle_with(fake, store, joined=3)
        sara = fake.user(520, "Sara")  # the team's supervisor
        await join(sara, await invite(store, "supervisor", "North"))

        clock.now = TUESDAY_3PM - timedelta(days=1)
        await tick(bot, fake)
        await beto.press(say("circle.button.attending"))  # ... and never comes
        await carla.press(say("circle.button.cant"))
        await wait_for(fake, carla, start("circle.rsvp_no"))

        clock.now = TUESDAY_3PM
        await tick(bot, fake)
        await wait_for(fake, group, "Look back ·")
        posts = len(group.messages)
        await ana.press_in(group, say("circle.button.here"))  # and says nothing all session
        await fake.wait_until(
            lambda: any(a.get("text") == say("circle.here_noted", name=CIRCLE) for a in fake.button_answers),
            15,
        )
        await fatima.say(group, "Welcome, everyone. Who tried something new this week?")
        await fatima.say(group, "/end")
        await wait_for(fake, group, start("circle.recap"))
        await tick(bot, fake)
        assert not any("Ana" in text for text in group.texts()[posts:])  # nothing about her in the group
        assert start("circle.recap") not in texts(ana)  # she was there: no recap sent to her
        assert start("circle.recap") in texts(beto) and start("circle.recap") in texts(carla)

        report = texts(fatima)
        assert say("circle.report_attended", count=1, names="Ana") in report
        assert say("circle.report_expected", count=1, names="Beto") in report
        assert say("circle.report_excused", count=1, names="Carla") in report
        assert "• Look back: 1 contributions" in report  # in aggregate: counts, never names
        assert "Did not take part" not in report and "Took part" not in report

        # Carla came after all, late and quiet: the facilitator corrects her report.
        await fatima.press(say("circle.button.mark_here", name="Carla"))
        await wait_for(fake, fatima, say("circle.report_attended", count=2, names="Ana, Carla"))
        assert say("circle.report_excused", count=1, names="Carla") not in texts(fatima)  # edited in place

        await sara.send("/summary")
        await wait_for(fake, sara, say("weekly.preparing"))
        await tick(bot, fake)
        await wait_for(fake, sara, say("circle.summary_header"))
        header = say("circle.summary_header")
        circles = next(str(m["text"]) for m in sara.messages if str(m.get("text", "")).startswith(header))
        assert say("circle.summary_line", name="Ana", attended=1, excused=0) in circles
        assert say("circle.summary_line", name="Carla", attended=1, excused=0) in circles
        assert "Beto" not in circles  # expected, and nothing more: not reported at all
        assert "missed" not in texts(sara) and "contributions" not in texts(sara)


async def test_a_case_title_is_hers_until_she_confirms_it(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, beto, carla), group = await circle_with(fake, store, joined=3)
        await fatima.say(group, "/session")
        await fatima.say(group, "/next")  # cases are proposed privately
        await wait_for(fake, carla, start("circle.private_prompt"))
        assert "initials only" in texts(carla)

        await ana.send("A father, Juan Perez, who works nights")
        await wait_for(fake, ana, say("circle.case_check", title="A father, Juan Perez, who works nights"))
        await ana.press(say("circle.button.case_rewrite"))
        await wait_for(fake, ana, say("circle.case_rewrite", most=80))
        await ana.send("A father (J.) who works nights")
        await wait_for(fake, ana, say("circle.case_check", title="A father (J.) who works nights"))
        await ana.press(say("circle.button.case_confirm"))
        await wait_for(fake, ana, say("circle.case_noted", title="A father (J.) who works nights"))

        await beto.send("A toddler who bites")
        await wait_for(fake, beto, start("circle.case_check"))
        await beto.press(say("circle.button.case_confirm"))
        await wait_for(fake, beto, start("circle.case_noted"))
        await beto.press(say("circle.button.case_withdraw"))  # before the vote: it goes
        await wait_for(fake, beto, say("circle.case_withdrawn"))

        await carla.send("A grandmother who answers for the mother")  # and never confirmed
        await wait_for(fake, carla, start("circle.case_check"))

        await fatima.say(group, "/next")  # the vote opens
        await wait_for(fake, group, "Choose a case ·")
        *votes, _controls = group.messages[-1]["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in votes] == ["A father (J.) who works nights"]
        assert not any(word in texts(group) for word in ("Perez", "toddler", "grandmother"))

        await ana.press(say("circle.button.case_withdraw"))  # too late: kindly refused
        await wait_for(fake, ana, say("circle.case_withdraw_late"))
        await carla.press(say("circle.button.case_confirm"))
        await wait_for(fake, carla, say("circle.case_too_late"))
        await settle(fake)

    async with store.unit_of_work() as uow:
        cases = list(await uow.session.scalars(select(Contribution).where(Contribution.kind == "case")))
    titles = {case.text: case.shared for case in cases}
    assert titles == {
        "A father (J.) who works nights": "anonymous",
        "A grandmother who answers for the mother": None,
    }
