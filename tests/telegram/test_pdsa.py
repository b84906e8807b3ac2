"""A PDSA project over three simulated weeks through the real PTB Application and its JobQueue,
over HTTP against the Bot API fake, on a controllable clock: a baseline, two full cycles whose
daily data prompts are answered with one press, Study asking first whether the change was
carried out (no chart before that), then the run chart arriving as a photo with the shift
announced and her prediction beside it (with a plain line when the change was carried out only
in part) before what happened, and Act opening the next cycle from the last."""

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import Wired
from flows.schedules import Schedules
from flows.spec import ChoiceAnswer
from store.database import Database
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.services.harness import Clock
from tests.services.pdsa_walk import AS_PLANNED, KEEP, PLAN, PROJECT, STUDY
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_end_to_end import join

PARTLY = {"carried_out": "partly", "obstacles": "Two families had no phone credit on Monday."}
assert CONTENT.pdsa is not None
CARRIED_OUT_FLOW = CONTENT.flows[CONTENT.pdsa.flows.carried_out]
STUDY_FLOW = CONTENT.flows[CONTENT.pdsa.flows.study]
QUIET_ONLY = dataclasses.replace(CONTENT, schedules=Schedules(quiet_hours=CONTENT.schedules.quiet_hours))
WEEK_ONE = datetime(2026, 11, 17, 15, tzinfo=UTC)
FIVE_PM_LIMA = timedelta(hours=22)  # after midnight UTC
BASELINE = [3, 4, 3, 4, 2, 3, 3]
CYCLE_1 = [5, 6, 5, 6, 6, 7, 6]
CYCLE_2 = [7, 8, 7, 8, 8, 9, 8]


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


async def answered(user: FakeUser, act: Any) -> None:
    """Do something and wait until the bot has answered it and said all it had to say (replies
    follow their commit, one by one)."""
    before = len(user.messages)
    await act
    await user.api.wait_until(lambda: len(user.messages) > before, 15)
    while True:
        seen = len(user.messages)
        await asyncio.sleep(0.1)
        if len(user.messages) == seen:
            return


async def step_of(store: Database, user: FakeUser) -> tuple[str, str] | None:
    async with store.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(user.id)
        run = None if person is None else await uow.runs.active_for(person.id)
    return None if run is None or run.step_id is None else (run.flow_id, run.step_id)


def last_says(user: FakeUser, words: str) -> Callable[[], bool]:
    return lambda: bool(user.messages) and words in str(user.messages[-1].get("text"))


async def walk(store: Database, user: FakeUser, answers: dict[str, Any], only: str | None = None) -> None:
    """Answer the PDSA flows by their steps' tags, pressing the buttons a person would (`only`:
    stop when a flow other than this one asks, as the clock may start the next at once)."""
    while (where := await step_of(store, user)) is not None and (only is None or where[0] == only):
        step = QUIET_ONLY.flows[where[0]].step(where[1])
        await user.api.wait_until(last_says(user, step.ask["en"][:40]), 15)  # the buttons pressed are its own
        value = answers[step.tags["pdsa"]]
        if value is KEEP:
            await answered(user, user.press(say("button.keep")))
        elif isinstance(step.answer, ChoiceAnswer):
            label = next(c.label["en"] for c in step.answer.choices if c.id == value)
            await answered(user, user.press(label))
        elif isinstance(value, bool):
            await answered(user, user.press("Yes" if value else "No"))
        else:
            await answered(user, user.send(str(value)))


async def study_time(store: Database) -> datetime:
    async with store.unit_of_work() as uow:
        (project,) = await uow.projects.all()
        cycle = await uow.projects.latest_cycle(project.id)
    assert cycle is not None and cycle.study_at is not None
    return cycle.study_at


async def tick_at(bot: Wired, clock: Clock, user: FakeUser, moment: datetime, replies: int) -> list[str]:
    """The timer fires at `moment`: the JobQueue job ticks the clock's work."""
    await user.replies(0)  # what came before is read
    clock.now = moment
    bot.clockwork.wake()
    return await user.replies(replies)


async def test_a_project_runs_two_full_cycles_over_three_weeks_with_prompts_and_charts(
    fake: FakeBotApi, store: Database, database_url: str
):
    clock = Clock()
    clock.now = WEEK_ONE  # Tuesday 17 November, 10:00 in Lima
    ana = fake.user(1, "Ana")
    async with running(fake, store, database_url, clock, QUIET_ONLY) as bot:
        await join(ana, await invite(store, "home_visitor", "North"))
        await answered(ana, ana.send("/pdsa"))
        await answered(ana, ana.press(say("pdsa.button.own")))
        await walk(store, ana, {**PROJECT, "unit": "visits", "min": 0, "max": 10, "goal": 8})
        for day, value in enumerate(BASELINE):  # week one: her baseline, day by day
            clock.now = WEEK_ONE + timedelta(days=day)
            await answered(ana, ana.send(f"/log {value}"))
        clock.now = WEEK_ONE + timedelta(weeks=1)  # week two starts with cycle 1's plan
        await ana.replies(0)

        first_day = datetime(2026, 11, 24, tzinfo=UTC)
        for number, values in ((1, CYCLE_1), (2, CYCLE_2)):
            if number == 1:
                await answered(ana, ana.press(say("pdsa.button.plan", number=1)))
                await walk(store, ana, PLAN)
            start = first_day + timedelta(weeks=number - 1)
            for day, value in enumerate(values):
                [prompt] = await tick_at(bot, clock, ana, start + timedelta(days=day) + FIVE_PM_LIMA, 1)
                assert prompt.startswith("Time to log “Visits kept” for today")
                await answered(ana, ana.press(str(value)))  # one press on the value
            [offer] = await tick_at(bot, clock, ana, await study_time(store), 1)  # her days are up
            assert offer == say("pdsa.study_time", number=number, measure="Visits kept")
            pressed = len(ana.messages)
            await answered(ana, ana.press(say("pdsa.button.study")))  # was the change carried out?
            carried_out = AS_PLANNED if number == 1 else PARTLY
            await walk(
                store, ana, carried_out, CARRIED_OUT_FLOW.id
            )  # "drawing your chart": the clock is woken
            observed = next(step for step in STUDY_FLOW.steps if step.tags.get("pdsa") == "observed")
            await ana.api.wait_until(last_says(ana, observed.ask["en"][:40]), 15)
            since = ana.messages[pressed:]
            photos = [i for i, m in enumerate(since) if "photo" in m]
            prediction = say("pdsa.prediction", number=number, prediction=PLAN["prediction"])
            beside = [i for i, m in enumerate(since) if str(m.get("text")).startswith(prediction)]
            asked = [i for i, m in enumerate(since) if m.get("text") == CARRIED_OUT_FLOW.steps[0].ask["en"]]
            assert len(photos) == len(beside) == len(asked) == 1  # one chart, one prediction
            assert asked[0] < photos[0] < beside[0] < len(since) - 1  # asked first; "what happened" last
            partly = say("pdsa.study_partly") in since[beside[0]]["text"]
            assert partly == (number == 2)  # "partly": the chart may not show what the change can do
            photo = since[photos[0]]
            assert fake.uploads[photo["photo"][0]["file_id"]].startswith(b"\x89PNG")
            points = 7 + 7 * number
            assert photo["text"].startswith(
                f"Visits kept: {points} points. The middle line is your usual level: 3 visits."
            )
            assert f"{7 * number} days in a row above your usual level since 24 Nov" in photo["text"]
            assert say("pdsa.caption.good") in photo["text"]
            decision = "adapt" if number == 1 else "adopt"
            then = {**STUDY, "decision": decision, "next": "Also try it on Saturdays."}
            if number == 1:  # adapt: the same plan again, every answer kept with one press
                then |= {tag: KEEP for tag in PLAN}
            else:  # adopt: what to spread next is the change; how it is measured is kept
                then |= {**PLAN, "change": KEEP, "data_plan": KEEP, "days": KEEP}
            await walk(store, ana, then)

    async with store.unit_of_work() as uow:
        (project,) = await uow.projects.all()
        cycles = await uow.projects.cycles([project.id])
        logged = await uow.projects.points([project.id])
    assert [(c.number, c.stage, c.act.get("decision")) for c in cycles] == [
        (1, "done", "adapt"),
        (2, "done", "adopt"),
        (3, "do", None),
    ]
    assert cycles[2].plan["change"] == "Also try it on Saturdays."  # adopt: what to spread next, prefilled
    assert [p.value for p in logged] == BASELINE + CYCLE_1 + CYCLE_2
    assert clock.now - WEEK_ONE >= timedelta(weeks=3)
