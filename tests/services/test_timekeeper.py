"""The clock's work on a controllable clock, on SQLite and PostgreSQL: check-ins on time in each
person's timezone (across a DST change), crontab days, quiet hours, holidays, /away, catch-up
after downtime without doubling, one conversation at a time, nudges only to those who have not
answered, time-outs, and alerts to the supervisor."""

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from flows.content import Content
from flows.schedules import Schedules
from services.core.clock import Timekeeper
from services.features import registry_for
from store.database import Database
from tests.services.harness import CONTENT, FAR, Client, Clock, join, make_invite

LIMA_MONDAY_9 = datetime(2026, 11, 30, 14, tzinfo=UTC)  # Monday 30 November, 09:00 in Lima
CHECKIN_FIRST = "How are you feeling this week, overall?"


@pytest.fixture
def keeper(db: Database):
    return Timekeeper(
        db, CONTENT, "America/Lima", render=lambda summary: b"\x89PNG chart", registry=registry_for(CONTENT)
    )


async def people(db, chat, *names, team="North", role="home_visitor") -> list[Client]:
    found = []
    for number, name in enumerate(names, 1):
        client = Client(chat, db, telegram_id=len(name) * 100 + number, name=name)
        await join(client, await make_invite(db, role, team))
        found.append(client)
    return found


async def tick_at(keeper: Timekeeper, clock: Clock, moment: datetime):
    clock.now = moment
    return await keeper.tick(moment)


async def set_timezone(client: Client, zone: str) -> None:
    await client.send("/settings")
    await client.send(zone)
    await client.new()


async def test_the_weekly_checkin_arrives_at_nine_in_each_persons_own_timezone(db, chat, clock, keeper):
    ana, bea = await people(db, chat, "Ana", "Bea")
    await set_timezone(bea, "Europe/Madrid")  # 09:00 in Madrid is 03:00 in Lima
    await tick_at(keeper, clock, datetime(2026, 11, 30, 7, 59, tzinfo=UTC))
    assert await ana.new() == [] and await bea.new() == []
    await tick_at(keeper, clock, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert await ana.new() == [] and (await bea.new())[-1].startswith(CHECKIN_FIRST)
    await tick_at(keeper, clock, LIMA_MONDAY_9 - timedelta(minutes=1))
    assert await ana.new() == []
    tally = await tick_at(keeper, clock, LIMA_MONDAY_9)
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)
    assert tally["started"] == 1 and await bea.new() == []


async def test_a_restart_after_downtime_catches_up_within_grace_and_never_doubles(db, chat, clock, keeper):
    [ana] = await people(db, chat, "Ana")
    await tick_at(keeper, clock, LIMA_MONDAY_9 - timedelta(hours=1))
    # The bot was down from 08:00 to 11:30: a fresh timekeeper (a restarted process) catches up.
    restarted = Timekeeper(db, CONTENT, "America/Lima", registry=registry_for(CONTENT))
    await tick_at(restarted, clock, LIMA_MONDAY_9 + timedelta(hours=2, minutes=30))
    assert [text for text in await ana.new() if text.startswith(CHECKIN_FIRST)] != []
    again = await tick_at(
        Timekeeper(db, CONTENT, "America/Lima", registry=registry_for(CONTENT)),
        clock,
        clock.now + timedelta(minutes=1),
    )
    assert (again["created"], again["started"]) == (0, 0) and await ana.new() == []


async def test_an_occurrence_missed_beyond_its_grace_is_not_sent_late(db, chat, clock, keeper):
    [ana] = await people(db, chat, "Ana")
    await tick_at(keeper, clock, LIMA_MONDAY_9 - timedelta(hours=1))
    tally = await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=13))  # grace is 12 hours
    assert tally["started"] == 0 and await ana.new() == []


def with_schedules(*schedules: Any, **extra: Any) -> Content:
    """The bundled content with these schedules instead, written as in schedules.yaml."""
    return dataclasses.replace(CONTENT, schedules=Schedules.model_validate({"schedules": schedules, **extra}))


async def test_a_crontab_zero_means_sunday_in_content_too(db, chat, clock):
    bulletin = {
        "id": "sunday_note",
        "what": {"bulletin": {"en": "Rest well.", "es": "Descanse."}},
        "when": {"cron": "0 18 * * 0"},
    }
    content = with_schedules(bulletin)
    keeper = Timekeeper(db, content, "America/Lima", registry=registry_for(content))
    [ana] = await people(db, chat, "Ana")
    saturday_6pm = datetime(2026, 11, 28, 23, tzinfo=UTC)
    for day in range(3):
        await tick_at(keeper, clock, saturday_6pm + timedelta(days=day) - timedelta(minutes=30))
        await tick_at(keeper, clock, saturday_6pm + timedelta(days=day))
        got = await ana.new()
        assert got == (["📣 Rest well."] if day == 1 else []), f"day {day}"


async def test_a_weekly_time_stays_local_across_a_dst_change(db, chat, clock):
    sunday = {"id": "sunday", "what": {"flow": "weekly_checkin"}, "when": {"weekly": "sunday", "at": "09:00"}}
    content = with_schedules(sunday)
    keeper = Timekeeper(db, content, "Europe/Madrid", registry=registry_for(content))
    clock.now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    [ana] = await people(db, chat, "Ana")
    sent_at = []
    moment = datetime(2026, 3, 21, 0, tzinfo=UTC)
    while moment < datetime(2026, 4, 6, tzinfo=UTC):
        await tick_at(keeper, clock, moment)
        if any(text.startswith(CHECKIN_FIRST) for text in await ana.new()):
            sent_at.append(moment.strftime("%d %H:%M"))
            await ana.send("/cancel")
            await ana.new()
        moment += timedelta(hours=1)
    assert sent_at == ["22 08:00", "29 07:00", "05 07:00"]  # 09:00 in Madrid, CET then CEST


@pytest.mark.parametrize(
    ("night", "expected"),
    [
        (datetime(2026, 10, 24, 23, tzinfo=UTC), ["00:30"]),  # 02:30 CEST, not again at 02:30 CET
        (datetime(2026, 3, 28, 23, tzinfo=UTC), ["01:00"]),  # 02:30 is skipped: at 03:00 CEST
    ],
    ids=["repeated", "skipped"],
)
async def test_a_checkin_at_an_hour_the_clocks_change_comes_once(db, chat, clock, night, expected):
    """The nights Madrid's clocks go back and forward, ticked every ten minutes."""
    early = {"id": "early", "what": {"flow": "weekly_checkin"}, "when": {"weekly": "sunday", "at": "02:30"}}
    content = with_schedules(early)
    keeper = Timekeeper(db, content, "Europe/Madrid", registry=registry_for(content))
    clock.now = night - timedelta(days=1)
    [ana] = await people(db, chat, "Ana")
    sent_at = []
    for step in range(24):
        moment = night + timedelta(minutes=10 * step)
        await tick_at(keeper, clock, moment)
        if any(text.startswith(CHECKIN_FIRST) for text in await ana.new()):
            sent_at.append(f"{moment:%H:%M}")
            await ana.send("/cancel")
            await ana.new()
    assert sent_at == expected


async def test_a_message_due_in_quiet_hours_waits_for_their_end_and_holidays_are_skipped(db, chat, clock):
    early = {"id": "early", "what": {"flow": "weekly_checkin"}, "when": {"weekly": "monday", "at": "06:00"}}
    content = with_schedules(early, quiet_hours={"start": "20:00", "end": "07:00"}, holidays=["2026-12-07"])
    keeper = Timekeeper(db, content, "America/Lima", registry=registry_for(content))
    [ana] = await people(db, chat, "Ana")
    six = LIMA_MONDAY_9 - timedelta(hours=3)
    await tick_at(keeper, clock, six)
    assert await ana.new() == [], "06:00 is inside the quiet hours"
    await tick_at(keeper, clock, six + timedelta(minutes=59))
    assert await ana.new() == []
    await tick_at(keeper, clock, six + timedelta(hours=1))
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)
    await ana.send("/cancel")
    await ana.new()
    for hours in range(0, 30):  # Monday 7 December is a holiday
        await tick_at(keeper, clock, six + timedelta(days=7, hours=hours))
    assert await ana.new() == []


async def test_away_pauses_every_scheduled_message_until_the_day_she_is_back(db, chat, clock, keeper):
    ana, bea = await people(db, chat, "Ana", "Bea")
    await ana.send("/away")
    assert (await ana.new())[-1].startswith("Going away? Write the day you will be back, like ")
    await ana.send("31/02")
    assert (await ana.new())[-1].startswith("I could not read that date.")
    await ana.send("2026-11-20")
    assert (await ana.new())[
        -1
    ] == "That day has already come (today is 24/11/2026). Please write the day you will be back."
    await ana.send("8/12")
    assert (await ana.new())[
        -1
    ] == "Enjoy your time away. Scheduled messages are paused and start again on 08/12/2026."
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    assert await ana.new() == [] and (await bea.new())[-1].startswith(CHECKIN_FIRST)
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(days=7))
    assert await ana.new() == [], "back on the 8th: still away on the 7th"
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(days=14))
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)


async def test_away_said_again_and_ended_early(db, chat, clock, keeper):
    [ana] = await people(db, chat, "Ana")
    await ana.send("/reflect")
    await ana.new()
    await ana.send("/away 15/01")
    said = await ana.new()
    assert said[0].endswith("start again on 15/01/2027.")  # a day past this year is next year's
    assert said[1].startswith("When was the visit"), "mid-flow, the pending question comes again"
    await ana.send("/cancel")
    await ana.send("/away")
    assert (await ana.new())[-1].startswith("Scheduled messages are paused until 15/01/2027.")
    await ana.send("off")
    assert (await ana.new())[-1] == "Welcome back! Scheduled messages are on again."
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)


async def answer_checkin(client: Client, wellbeing: str, workload: str, support: str) -> list[str]:
    await client.press(wellbeing)
    await client.press(workload)
    await client.send("A family came back to the group.")
    await client.send("Too many visits on one day.")
    await client.press(support)
    return await client.new()


async def test_a_checkin_due_mid_conversation_waits_and_starts_when_it_ends(db, chat, clock, keeper):
    [ana] = await people(db, chat, "Ana")
    clock.now = LIMA_MONDAY_9 - timedelta(minutes=5)
    await ana.send("/reflect")
    await ana.press("Yesterday")
    await ana.new()
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    said = await ana.new()
    assert (
        said[0]
        == "“Weekly check-in” is ready for you. It will start as soon as you finish this conversation."
    )
    assert said[1].startswith("Think of a moment"), "the question she is on comes again"
    await ana.send("/cancel")
    said = await ana.new()
    assert said[0] == "Stopped. What you already answered is kept."
    assert said[-1].startswith(CHECKIN_FIRST)


async def test_one_nudge_only_to_whoever_has_not_finished_and_none_after_expiry(db, chat, clock, keeper):
    ana, bea, cris = await people(db, chat, "Ana", "Bea", "Cris")
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    for person in (ana, bea, cris):
        await person.new()
    await answer_checkin(ana, "4", "4", "No")
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=23, minutes=59))
    assert await bea.new() == []
    await cris.send("/snooze")
    assert (await cris.new())[0] == "Okay, I will remind you again at 11:59."
    tally = await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=24))
    nudge = await bea.new()
    assert nudge[0].startswith("A gentle reminder: “Weekly check-in” is still open.")
    assert nudge[1].startswith(CHECKIN_FIRST)
    assert await ana.new() == [], "she answered: no nudge"
    assert tally["reminded"] == 1, "Cris snoozed hers"
    later = await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=26))
    assert later["reminded"] == 0 and await bea.new() == [], "one nudge, not one a tick"
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=27))
    assert (await cris.new())[0].startswith("A gentle reminder")


async def test_snooze_puts_the_nudge_off_and_a_run_that_times_out_gets_none(db, chat, clock, keeper):
    ana, bea = await people(db, chat, "Ana", "Bea")
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    await ana.new()
    await ana.send("/snooze")
    said = await ana.new()
    assert said[0] == "Okay, I will remind you again at 12:00."  # 3 hours on, in Lima
    assert said[1].startswith(CHECKIN_FIRST), "the pending question comes again"
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=3))
    assert (await ana.new())[0].startswith("A gentle reminder")
    await bea.press("3")  # answers one question at 12:00, then nothing for three days
    await bea.new()
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=24))
    assert (await bea.new())[0].startswith("A gentle reminder"), "not finished: nudged"
    expired = await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=3 + 72, minutes=1))
    assert expired["expired"] == 2, "72 hours after each one's last answer"
    assert (await bea.new())[0].startswith("This conversation has timed out.")
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(hours=100))
    assert await bea.new() == []


async def test_support_requests_and_low_weeks_alert_the_supervisor_at_once(db, chat, clock, keeper):
    [sara] = await people(db, chat, "Sara", role="supervisor")
    ana, bea = await people(db, chat, "Ana", "Bea")
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    await ana.new(), await bea.new()
    await answer_checkin(ana, "4", "4", "Yes")
    [alert] = await sara.new()
    assert alert.startswith("⚠️ Ana may need your support: asked for your support this week.")
    assert "• Support requested: Yes" in alert and "A family came back" not in alert
    await answer_checkin(bea, "3", "3", "No")
    assert await sara.new() == [], "one low week is not yet an alert"
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(days=7))
    await bea.new()
    await answer_checkin(bea, "3", "2", "No")
    [alert] = await sara.new()
    assert alert.startswith("⚠️ Bea may need your support: has had two low weeks in a row.")
    assert "• Wellbeing: 3 – Okay" in alert and "• Workload: 2" in alert
    await bea.send("/checkin")
    await bea.new()
    await answer_checkin(bea, "1 – Very low", "4", "No")
    [alert] = await sara.new()
    assert "rated their wellbeing very low; has had two low weeks in a row" in alert


async def test_the_weekly_summary_shows_a_missed_week_a_low_week_away_and_blocked(db, chat, clock, keeper):
    [sara] = await people(db, chat, "Sara", role="supervisor")
    ana, bea, cris, dan = await people(db, chat, "Ana", "Bea", "Cris", "Dan")
    [other] = await people(db, chat, "Olga", team="South")
    weeks = [LIMA_MONDAY_9 + timedelta(days=7 * k) for k in range(3)]
    answers: list[tuple[Client, list[Any]]] = [
        (ana, [("4", "4"), ("4", "3"), ("5", "4")]),
        (bea, [("3", "3"), None, ("2", "2")]),
        (cris, [("4", "4")]),
    ]
    for number, monday in enumerate(weeks):
        if number == 2:
            await cris.send("/away 10/01/2027")
            async with db.unit_of_work() as uow:  # Dan blocked the bot
                (await uow.people.get_by_telegram_id(dan.telegram_id)).unreachable = True
                await uow.commit()
        await tick_at(keeper, clock, monday)
        for person, given in answers:
            if number < len(given) and given[number] is not None:
                await person.new()
                wellbeing, workload = given[number]
                support = "Yes" if person is bea and number == 2 else "No"
                await answer_checkin(person, wellbeing, workload, support)
        await tick_at(keeper, clock, monday + timedelta(hours=73))  # Bea's unanswered week B times out
    await other.new()
    await sara.new()
    friday = datetime(2026, 12, 18, 20, tzinfo=UTC)  # Friday 15:00 in Lima
    await tick_at(keeper, clock, friday)
    [page] = await sara.new()
    assert page.split("\n\n") == [
        "📋 Weekly summary for North, 12/12–18/12",
        "Check-ins done: 2 of 4. Average wellbeing 3.5, workload 3.0 (1–5). Asked for support: 1. Reflections shared with you: 0. Blocked the bot: 1.",
        "No observation this month yet.",  # observations' lines (issue 25): everyone joined 24 days ago
        "• Bea — ✓ checked in\n  wellbeing 2 ·····▄·▂ · workload 2 ·····▄·▂ · asked for support",
        "• Ana — ✓ checked in\n  wellbeing 5 ·····▆▆█ · workload 4 ·····▆▄▆",
        "• Cris — 🌴 away\n  wellbeing – ·····▆·· · workload – ·····▆··",
        "• Dan — ✗ no check-in this week\n  has blocked the bot",
        "Trends cover the last 8 weeks, oldest first (▁ = 1 … █ = 5, · = no answer). Those who may need support come first.",
    ]
    assert "Olga" not in page, "a supervisor sees only her own team"
    async with db.unit_of_work() as uow:
        rows = [row for row in await uow.outbox.due(FAR, 1000) if row.chat_id == sara.telegram_id]
        photo = rows[-1].payload
        assert (
            photo["method"] == "sendPhoto"
            and photo["params"]["caption"] == "North: wellbeing over the last 8 weeks."
        )
        assert await uow.photos.data(photo["photo_of"]) == b"\x89PNG chart"
    again = await tick_at(keeper, clock, friday + timedelta(minutes=5))
    assert again["sent"] == 0 and await sara.new() == [], "sent once"


async def test_summary_on_demand_is_for_supervisors_and_prepared_off_the_reply(db, chat, clock, keeper):
    [sara] = await people(db, chat, "Sara", role="supervisor")
    [ana] = await people(db, chat, "Ana")
    await ana.send("/summary")
    assert (await ana.new())[0] == "That is not available to you."
    await sara.send("/summary")
    assert await sara.new() == ["Preparing your team's summary: it will be here in a moment."]
    await tick_at(keeper, clock, clock.now)
    [page] = await sara.new()
    assert page.startswith("📋 Weekly summary for North, 18/11–24/11")
    assert "• Ana — ✗ no check-in this week" in page


async def test_her_own_chart_comes_when_she_asks_even_while_she_is_away(db, chat, clock, keeper):
    """/away pauses what is scheduled, not what she asks for (issue 21)."""
    [ana] = await people(db, chat, "Ana")
    await ana.send("/checkin")
    await answer_checkin(ana, "4", "4", "No")
    await ana.send("/away 10/01/2027")
    await ana.send("/mytrend")
    await ana.press("📊")
    assert (await ana.new())[-1] == "Drawing your chart: it will be here in a moment."
    await tick_at(keeper, clock, clock.now)
    photo = [m for m in await ana.messages() if m.method == "sendPhoto"]
    assert [m.params["caption"] for m in photo] == [
        "Your wellbeing over the last 8 weeks. Only you see this chart."
    ]


async def test_her_own_quiet_hours_hold_her_checkin(db, chat, clock, keeper):
    ana, bea = await people(db, chat, "Ana", "Bea")
    await ana.send("/settings")
    await ana.send("08:00-10:30")  # she visits families early and wants no messages then
    await ana.new()
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    assert await ana.new() == [] and (await bea.new())[-1].startswith(CHECKIN_FIRST)
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(minutes=89))
    assert await ana.new() == []
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(minutes=90))
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)


async def test_a_nudge_due_in_the_quiet_hours_waits_for_the_morning(db, chat, clock):
    evening = {
        "id": "evening",
        "what": {"flow": "weekly_checkin"},
        "when": {"weekly": "monday", "at": "19:00"},
        "remind_after": "2h",
    }
    content = with_schedules(evening, quiet_hours={"start": "20:00", "end": "07:00"})
    keeper = Timekeeper(db, content, "America/Lima", registry=registry_for(content))
    [ana] = await people(db, chat, "Ana")
    seven_pm = LIMA_MONDAY_9 + timedelta(hours=10)
    await tick_at(keeper, clock, seven_pm)
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)
    for hours in range(2, 12):  # 21:00 to 06:00: quiet
        assert (await tick_at(keeper, clock, seven_pm + timedelta(hours=hours)))["reminded"] == 0
    assert (await tick_at(keeper, clock, seven_pm + timedelta(hours=12)))["reminded"] == 1  # 07:00
    assert (await ana.new())[0].startswith("A gentle reminder")


async def test_closing_a_conversation_for_another_keeps_the_scheduled_one_waiting(db, chat, clock, keeper):
    [ana] = await people(db, chat, "Ana")
    clock.now = LIMA_MONDAY_9 - timedelta(minutes=5)
    await ana.send("/selfcheck")  # not hers: a supervisor's
    await ana.send("/reflect")
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    await ana.new()
    await ana.send("/checkin")
    await ana.press("Close it and start")
    said = await ana.new()
    assert said[-1].startswith(CHECKIN_FIRST)
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(ana.telegram_id)
        [waiting] = await uow.occurrences.waiting_for(person.id)
        active = await uow.runs.active_for(person.id)
        assert active is not None and active.flow_id == "weekly_checkin" and waiting.run_id is None
    said = await answer_checkin(ana, "4", "4", "No")
    assert said[-1] == "Thank you for checking in. Take care of yourself this week."
    assert not any(text.startswith(CHECKIN_FIRST) for text in said), "done meanwhile: not asked again"
    async with db.unit_of_work() as uow:
        assert (await uow.occurrences.get(waiting.id)).reason == "done"


async def test_an_open_prompt_keeps_her_next_words_and_the_checkin_waits_until_it_is_answered_or_lapses(
    db, chat, clock, keeper
):
    """Rule 8: the check-in falls due while her /settings question is open: her next words still
    answer it, and the check-in starts when she is free. Left open, a one-line prompt lapses
    after two hours of silence, and the next tick starts what waited."""
    ana, bea = await people(db, chat, "Ana", "Bea")
    clock.now = LIMA_MONDAY_9 - timedelta(minutes=10)
    for person in (ana, bea):
        await person.send("/settings")
        await person.new()
    await tick_at(keeper, clock, LIMA_MONDAY_9)
    waiting = CONTENT.catalog.say("en", "schedule.waiting", flow="Weekly check-in")
    assert await ana.new() == [waiting] and await bea.new() == [waiting]
    await ana.send("Europe/Madrid")
    said = await ana.new()
    assert said[0] == "Done: your time zone is now Europe/Madrid." and said[-1].startswith(CHECKIN_FIRST)
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(minutes=109))
    assert await bea.new() == []
    assert await keeper.next_wakeup(clock.now) == LIMA_MONDAY_9 + timedelta(minutes=110)
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(minutes=110))  # two hours of silence
    assert (await bea.new())[-1].startswith(CHECKIN_FIRST)
    await bea.press("4")
    assert (await bea.new())[-1].startswith("How manageable was your workload"), (
        "her answer went to the check-in"
    )


async def test_a_supervisor_picks_her_own_summary_day_and_time(db, chat, clock, keeper):
    [sara] = await people(db, chat, "Sara", role="supervisor")
    [tomas] = await people(db, chat, "Tomas", role="supervisor", team="South")
    await sara.send("/settings")
    said = await sara.messages()
    assert said[-1].text == "Your team's weekly summary comes on Friday at 15:00."
    await sara.press("Change the summary's day and time")
    await sara.press("Monday")
    assert (await sara.new())[-1] == "At what time on Monday? Write it like 15:00."
    await sara.send("8 o'clock")
    assert (await sara.new())[-1] == "Please write a time of day like 15:00."
    await sara.send("08:00")
    assert (await sara.new())[-1] == "Done: your weekly summary will come on Monday at 08:00."
    await tomas.new()
    monday_8 = LIMA_MONDAY_9 - timedelta(hours=1)
    assert await keeper.next_wakeup(monday_8 - timedelta(seconds=30)) == monday_8
    await tick_at(keeper, clock, monday_8)
    assert (await sara.new())[0].startswith("📋 Weekly summary for ") and await tomas.new() == []
    await tick_at(keeper, clock, datetime(2026, 12, 4, 20, tzinfo=UTC))  # Friday 15:00
    assert await sara.new() == [] and (await tomas.new())[0].startswith("📋 Weekly summary for ")


async def test_away_until_she_says_so_has_no_date_her_supervisor_sees_her_away_and_a_date_ends_it(
    db, chat, clock, keeper
):
    [sara] = await people(db, chat, "Sara", role="supervisor")
    [ana] = await people(db, chat, "Ana")
    await ana.send("/away 1/1/2030")
    assert (await ana.new())[-1].startswith("That is more than a year away.")
    await ana.press("Until I say so")  # offered with the refusal
    assert (await ana.new())[-1].startswith("Done: no scheduled message will reach you")
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(ana.telegram_id)
        assert person is not None and person.away_until is None, "no made-up day"
    await sara.new()
    await tick_at(keeper, clock, datetime(2026, 12, 4, 20, tzinfo=UTC))  # Friday 15:00 in Lima
    [page] = await sara.new()
    assert "• Ana — 🌴 away\n" in page and "2030" not in page and "9999" not in page
    await ana.send("/away")
    await ana.send("8/12")  # a day to be back on ends "until I say so"
    assert (await ana.new())[-1].endswith("start again on 08/12/2026.")
    await tick_at(keeper, clock, LIMA_MONDAY_9 + timedelta(days=14))
    assert (await ana.new())[-1].startswith(CHECKIN_FIRST)


async def test_a_checkin_waiting_behind_her_conversation_does_not_start_once_she_is_away(
    db, chat, clock, keeper
):
    [ana] = await people(db, chat, "Ana")
    clock.now = LIMA_MONDAY_9 - timedelta(minutes=5)
    await ana.send("/reflect")
    await ana.press("Yesterday")
    await tick_at(keeper, clock, LIMA_MONDAY_9)  # the check-in waits behind her reflection
    await ana.send("/away")
    await ana.press("Until I say so")
    await ana.new()
    await ana.send("/cancel")
    assert await ana.new() == ["Stopped. What you already answered is kept."], "nothing scheduled starts"
