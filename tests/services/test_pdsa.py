"""PDSA projects through the chat use case and the clock, on SQLite and PostgreSQL: a project set
up from a template or in its own flow, data points and their rules, notes, pause and resume,
the data prompts at the measure's rhythm, Study (whether the change was carried out, then the
chart and the prediction, paused and resumed at each point), Act opening
the next cycle from this one, sharing with the supervisor and her comment, team projects, and
the export."""

import csv
import dataclasses
import io
from datetime import UTC, datetime, timedelta

import pytest

from flows.schedules import Schedules
from services.core.clock import Timekeeper
from services.core.dispatch import ChatService
from services.features import registry_for
from store.database import Database
from tests.services.harness import CONTENT, FAR, Client, Clock, description, join, make_invite, outbox
from tests.services.pdsa_walk import AS_PLANNED, KEEP, NOT_TRIED, PLAN, PROJECT, STUDY, active_step, walk

# The check-in schedules stay out of the way; the program's quiet hours stay.
assert CONTENT.pdsa is not None
PDSA = CONTENT.pdsa
QUIET_ONLY = dataclasses.replace(CONTENT, schedules=Schedules(quiet_hours=CONTENT.schedules.quiet_hours))
LIMA = "America/Lima"


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


@pytest.fixture
def chat(db: Database, clock: Clock) -> ChatService:
    return ChatService(db, QUIET_ONLY, LIMA, clock, registry=registry_for(QUIET_ONLY))


@pytest.fixture
def keeper(db: Database) -> Timekeeper:
    return Timekeeper(
        db, QUIET_ONLY, LIMA, render=lambda summary: b"\x89PNG summary", registry=registry_for(QUIET_ONLY)
    )


async def person(db, chat, name, role="home_visitor", team="North") -> Client:
    client = Client(chat, db, telegram_id=7000 + sum(map(ord, name)), name=name)
    await join(client, await make_invite(db, role, team))
    return client


async def tick(keeper: Timekeeper, clock: Clock, moment: datetime | None = None):
    clock.now = moment or clock.now
    return await keeper.tick(clock.now)


async def own_project(db, ana: Client, **changes) -> None:
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.own"))
    await walk(db, ana, {**PROJECT, **changes})


async def photos(db, client: Client):
    return [m for m in await outbox(db) if m.chat_id == client.telegram_id and m.method == "sendPhoto"]


async def points(db, ana: Client) -> list[tuple[str, float]]:
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(ana.telegram_id)
        assert person is not None
        projects = await uow.projects.open_to(person.id, person.team_id)
        found = await uow.projects.points([p.id for p in projects])
    return [(p.day.isoformat(), p.value) for p in found]


async def test_a_template_sets_the_project_up_and_asks_for_a_baseline_first(db, chat):
    ana = await person(db, chat, "Ana")
    await ana.send("/pdsa")
    assert (await ana.new())[-1] == say("pdsa.new")
    template = PDSA.templates[0]
    await ana.press(CONTENT.catalog.pick(template.title, "en")[:20])
    said = await ana.new()
    assert CONTENT.catalog.pick(template.aim, "en") in said[0]
    assert "baseline" in said[-1]
    await ana.send("/pdsa")
    card = (await ana.new())[-1]
    assert CONTENT.catalog.pick(template.measure, "en") in card and say("pdsa.stage.baseline") in card


async def test_her_own_project_is_asked_in_the_flow_and_read_by_tags(db, chat):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
    assert (project.measure, project.unit, project.frequency, project.status) == (
        "Visits kept",
        "%",
        "daily",
        "active",
    )
    assert (project.lowest, project.highest, project.goal) == (0, 100, 90)
    assert project.change_ideas == ["Reminder the day before", "Agree the next time at the end of each visit"]
    assert project.shared is False  # private unless she shares it


async def test_log_checks_the_number_the_range_and_the_day_and_loses_nothing(db, chat, clock):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await ana.new()
    await ana.send("/log")
    assert (await ana.new())[-1].startswith("What is “Visits kept” (%) for 24 Nov?")
    await ana.send("seventy")
    assert (await ana.new())[0] == say("pdsa.not_a_number", words="seventy")
    await ana.send("140")
    assert (await ana.new())[0].startswith("140 is outside the range of this measure (from 0 to 100)")
    await ana.send("70")
    assert (await ana.new())[-1] == say("pdsa.logged", value="70", unit="%", day="24 Nov", count=1)
    await ana.send("/log 65 25/11")  # tomorrow in Lima
    assert (await ana.new())[0] == say("pdsa.future")
    await ana.send("/log 60 23/11")
    await ana.send("/log 7,5 yesterday")  # the same day again: she is asked, nothing changes yet
    assert (await ana.new())[-1] == say("pdsa.double", period="day", day="23 Nov", old="60")
    assert await points(db, ana) == [("2026-11-23", 60), ("2026-11-24", 70)]
    await ana.press("Replace 60 with 7.5")
    assert await points(db, ana) == [("2026-11-23", 7.5), ("2026-11-24", 70)]
    await ana.send("/log 80")
    await ana.press("Keep 70")
    assert await points(db, ana) == [("2026-11-23", 7.5), ("2026-11-24", 70)]


async def test_a_visit_measure_asks_whether_a_second_value_that_day_is_another_visit(db, chat):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana, frequency="visit", min=0, max=7, goal=5)
    await ana.send("/log 3")
    await ana.send("/log 5")
    await ana.press(say("pdsa.button.another_visit"))
    await ana.send("/log 6")
    await ana.press("Replace 5 with 6")
    assert await points(db, ana) == [("2026-11-24", 3), ("2026-11-24", 6)]


async def test_a_cancelled_plan_is_paused_and_resumed_where_it_stopped(db, chat):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await ana.press(say("pdsa.button.plan", number=1))
    await walk(db, ana, PLAN, stop_at="prediction")
    await ana.send("/cancel")
    assert say("pdsa.paused") in await ana.new()
    assert await active_step(db, ana) is None
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.go_plan"))
    flow_id, step_id = await active_step(db, ana) or ("", "")
    assert CONTENT.flows[flow_id].step(step_id).tags["pdsa"] == "prediction"
    await walk(db, ana, PLAN)
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
        cycle = await uow.projects.latest_cycle(project.id)
    assert cycle is not None and cycle.stage == "do" and cycle.plan["objective"] == PLAN["objective"]


async def test_notes_are_kept_with_the_cycle(db, chat):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await ana.send("/note The mother was not at home.")
    await ana.send("/note")
    await ana.send("The road was closed by rain.")
    async with db.unit_of_work() as uow:
        notes = await uow.projects.notes([p.id for p in await uow.projects.all()])
    assert [n.text for n in notes] == ["The mother was not at home.", "The road was closed by rain."]


async def test_data_prompts_come_daily_at_five_in_her_day_and_a_button_logs_the_value(
    db, chat, clock, keeper
):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana, min=0, max=10, goal=8)
    await ana.press(say("pdsa.button.plan", number=1))
    await walk(db, ana, PLAN)
    await ana.new()
    five_pm = datetime(2026, 11, 24, 22, tzinfo=UTC)  # 17:00 in Lima
    await tick(keeper, clock, five_pm - timedelta(minutes=1))
    assert await ana.new() == []
    tally = await tick(keeper, clock, five_pm)
    assert tally["prompted"] == 1 and (await ana.new())[-1] == say(
        "pdsa.prompt.daily", measure="Visits kept", unit="%", day="24 Nov"
    )
    await tick(keeper, clock, five_pm + timedelta(minutes=5))
    assert await ana.new() == []  # once a day
    await ana.press("8")  # the value buttons of a small range: one press
    assert await points(db, ana) == [("2026-11-24", 8)]
    await ana.send("/away 27/11")
    await ana.new()
    for day in (1, 2):
        await tick(keeper, clock, five_pm + timedelta(days=day))
        assert await ana.new() == []  # away: no prompt
    await tick(keeper, clock, five_pm + timedelta(days=3))
    assert (await ana.new())[-1].startswith("Time to log “Visits kept” for today, 27 Nov")


async def until_study(db, clock, keeper, ana: Client, values: list[float]) -> None:
    """A baseline, cycle 1 planned, its values logged, and the bot's offer to study."""
    start = clock.now
    for back, value in enumerate(values[:10]):
        await ana.send(f"/log {value} {(start - timedelta(days=10 - back)):%d/%m/%Y}")
    await ana.press(say("pdsa.button.plan", number=1))
    await walk(db, ana, PLAN)
    for day, value in enumerate(values[10:]):
        clock.now = start + timedelta(days=day)
        await ana.send(f"/log {value}")
    await ana.new()
    clock.now = start + timedelta(days=7, hours=1)
    await tick(keeper, clock)
    assert say("pdsa.study_time", number=1, measure="Visits kept") in await ana.new()


async def study_cycle_one(db, chat, clock, keeper, ana: Client, values: list[float]) -> None:
    """Up to Study, the change carried out as planned, the chart and what follows it."""
    await until_study(db, clock, keeper, ana, values)
    await ana.press(say("pdsa.button.study"))
    await walk(db, ana, AS_PLANNED)
    await tick(keeper, clock)


def asks(flow_id: str, tag: str) -> str:
    """The question of a PDSA flow's step with this tag, in English."""
    (step,) = [step for step in CONTENT.flows[flow_id].steps if step.tags.get("pdsa") == tag]
    return step.ask["en"]


async def sent(ana: Client) -> list[str]:
    """Every message and photo she was sent (a photo as PHOTO), in order."""
    found = [m for m in await ana.messages() if m.method in ("sendMessage", "sendPhoto")]
    return ["PHOTO" if m.method == "sendPhoto" else m.text for m in found]


RISING: list[float] = [50, 55, 48, 52, 51, 49, 47, 50, 53, 54, 70, 72, 75, 71, 74, 76, 73]


async def test_study_asks_if_the_change_was_carried_out_then_shows_chart_and_prediction_then_act(
    db, chat, clock, keeper
):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await until_study(db, clock, keeper, ana, RISING)
    first = len(await sent(ana))
    await ana.press(say("pdsa.button.study"))
    await tick(keeper, clock)
    assert await photos(db, ana) == []  # no chart before she says whether she tried the change
    carried_out = CONTENT.flows[PDSA.flows.carried_out]
    assert (await sent(ana))[first:] == [description(carried_out.id), asks(carried_out.id, "carried_out")]
    await walk(db, ana, AS_PLANNED)
    await tick(keeper, clock)
    (chart,) = await photos(db, ana)
    assert "9 days in a row above your usual level since" in chart.params["caption"]
    assert say("pdsa.caption.good") in chart.params["caption"]
    assert (await sent(ana))[first + 2 :] == [
        CONTENT.catalog.pick(carried_out.done or {}, "en"),
        say("pdsa.drawing"),
        "PHOTO",  # the chart, then her prediction beside it, then what happened
        say("pdsa.prediction", number=1, prediction=PLAN["prediction"]),
        description(PDSA.flows.study),
        asks(PDSA.flows.study, "observed"),
    ]
    await ana.new()
    await walk(db, ana, {**STUDY, "decision": "adapt", "next": "Send it two days before."}, stop_at="change")
    flow_id, _ = await active_step(db, ana) or ("", "")
    assert flow_id == PDSA.flows.plan  # cycle 2's plan opened at once
    assert f"Your earlier answer: {PLAN['change']}" in (await ana.new())[-1]
    await walk(db, ana, {**{tag: KEEP for tag in PLAN}, "objective": "Two days before, not one."})
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
        cycles = await uow.projects.cycles([project.id])
    assert [(c.number, c.stage) for c in cycles] == [(1, "done"), (2, "do")]
    assert (
        cycles[1].plan["change"] == PLAN["change"]
        and cycles[1].plan["objective"] == "Two days before, not one."
    )
    assert cycles[0].act["decision"] == "adapt"
    assert cycles[0].study == {"carried_out": "as_planned", **STUDY}  # both of Study's flows, by tag


async def test_a_change_not_carried_out_is_said_so_beside_the_chart_and_the_export_keeps_it(
    db, chat, clock, keeper
):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await until_study(db, clock, keeper, ana, [50] * 17)
    await ana.press(say("pdsa.button.study"))
    await walk(db, ana, NOT_TRIED)
    await tick(keeper, clock)
    beside = [text for text in await sent(ana) if text.startswith("In cycle 1 you predicted")]
    prediction = say("pdsa.prediction", number=1, prediction=PLAN["prediction"])
    assert beside == [f"{prediction}\n\n{say('pdsa.study_not_at_all')}"]
    await walk(db, ana, {**STUDY, "decision": "adapt", "next": "Try it when I am back."}, stop_at="change")
    await ana.send("/cancel")
    await ana.send("/pdsa export")
    async with db.unit_of_work() as uow:
        (document,) = [r for r in await uow.outbox.due(FAR, 1000) if r.payload["method"] == "sendDocument"]
        data = await uow.photos.data(document.payload["photo_of"])
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    first, _ = [r for r in rows if r["record"] == "cycle"]
    assert [first[key] for key in ("carried_out", "obstacles", "observed", "learned", "decision")] == [
        "not_at_all",
        NOT_TRIED["obstacles"],
        STUDY["observed"],
        STUDY["learned"],
        "adapt",
    ]


async def test_study_paused_before_the_chart_resumes_where_it_stopped_and_then_draws_it(
    db, chat, clock, keeper
):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await until_study(db, clock, keeper, ana, [50] * 17)
    await ana.press(say("pdsa.button.study"))
    await walk(db, ana, NOT_TRIED, stop_at="obstacles")  # "not at all", then /cancel
    await ana.send("/cancel")
    assert say("pdsa.paused") in await ana.new()
    await tick(keeper, clock)
    assert await photos(db, ana) == []
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.go_study"))
    assert (await ana.new())[-1] == asks(PDSA.flows.carried_out, "obstacles")  # where she stopped
    await walk(db, ana, NOT_TRIED)
    await tick(keeper, clock)
    assert len(await photos(db, ana)) == 1
    assert say("pdsa.study_not_at_all") in (await ana.new())[-3]  # beside the chart: she had said so


async def test_study_paused_after_the_chart_shows_it_again_and_resumes_where_it_stopped(
    db, chat, clock, keeper
):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await study_cycle_one(db, chat, clock, keeper, ana, RISING)
    await walk(db, ana, STUDY, stop_at="learned")
    await ana.send("/cancel")
    assert say("pdsa.paused") in await ana.new()
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.go_study"))
    assert (await ana.new())[-1] == say("pdsa.drawing")
    assert await active_step(db, ana) is None  # no question before the chart is back
    await tick(keeper, clock)
    assert len(await photos(db, ana)) == 2  # the chart again, her prediction, then the step she stopped at
    prediction, question = (await ana.new())[-2:]
    assert prediction == say("pdsa.prediction", number=1, prediction=PLAN["prediction"])
    assert question == asks(PDSA.flows.study, "learned")
    await walk(db, ana, {**STUDY, "decision": "adopt", "next": "All my families."}, stop_at="change")
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
        first, _ = await uow.projects.cycles([project.id])
    assert first.study == {"carried_out": "as_planned", **STUDY} and first.stage == "done"


async def test_abandon_offers_her_other_change_ideas_for_the_next_cycle(db, chat, clock, keeper):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await study_cycle_one(db, chat, clock, keeper, ana, [50] * 13)
    await walk(db, ana, {**STUDY, "decision": "abandon", "next": "Families did not read it."})
    assert (await ana.new())[-1] == say("pdsa.pick_idea", number=2)
    await ana.press("Agree the next time")
    assert "Your earlier answer: Agree the next time at the end of each visit" in (await ana.new())[-1]


async def test_a_shared_project_reaches_the_supervisors_summary_and_her_comment_reaches_the_owner(
    db, chat, clock, keeper
):
    sara = await person(db, chat, "Sara", role="supervisor")
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await ana.send("/log 70")
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.share"))
    assert (await ana.new())[-1] == say("pdsa.shared")
    await sara.send("/summary")
    await tick(keeper, clock)
    listing = (await sara.new())[-1]
    assert (
        listing.startswith(say("pdsa.summary_header"))
        and "• Ana:" in listing
        and "Last value 70 on 24 Nov." in listing
    )
    await sara.press("Chart: Ana")
    await tick(keeper, clock)
    await sara.press(say("pdsa.button.comment"))
    await sara.send("Lovely start, Ana.")
    assert (await ana.new())[-1] == say(
        "pdsa.comment_received", name="Sara", measure="Visits kept", text="Lovely start, Ana."
    )


async def test_a_private_project_stays_out_of_the_summary_and_its_chart_cannot_be_asked_for(
    db, chat, clock, keeper
):
    sara = await person(db, chat, "Sara", role="supervisor")
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await sara.send("/summary")
    await tick(keeper, clock)
    assert not any(say("pdsa.summary_header") in text for text in await sara.new())
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
    for forged in (f"ps:{project.id}", f"pp:v:{project.id}", f"pc:{project.id}", f"pp:log:{project.id}"):
        await sara.press_data(forged)
        assert (await sara.new())[-1] == say("button.expired")


async def test_a_team_project_takes_every_members_points_and_keeps_who_logged_them(db, chat, clock, keeper):
    sara = await person(db, chat, "Sara", role="supervisor")
    ana = await person(db, chat, "Ana")
    bea = await person(db, chat, "Bea")
    await sara.send("/pdsa")
    await sara.press(say("pdsa.button.team"))
    await walk(db, sara, PROJECT)
    await ana.send("/log 60")
    await bea.send("/log 80")
    await bea.send("/pdsa")
    assert "Visits kept" in (await bea.new())[-1]
    await bea.press(say("pdsa.button.chart"))
    await tick(keeper, clock)
    assert len(await photos(db, bea)) == 1
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
        logged = await uow.projects.points([project.id])
        people = await uow.people.many(p.person_id for p in logged if p.person_id)
    assert project.team_id is not None
    assert sorted((people[p.person_id].name, p.value) for p in logged if p.person_id) == [
        ("Ana", 60),
        ("Bea", 80),
    ]
    await sara.send("/pdsa export")  # their names and values reach her file: a disclosure
    async with db.unit_of_work() as uow:
        (document,) = [r for r in await uow.outbox.due(FAR, 1000) if r.payload["method"] == "sendDocument"]
    assert (document.disclosure, sorted(document.about_people or [])) == (
        "team_points",
        sorted(p.person_id for p in logged if p.person_id),
    )


async def test_only_a_supervisor_or_facilitator_may_start_a_team_project(db, chat):
    ana = await person(db, chat, "Ana")
    await ana.send("/pdsa")
    assert say("pdsa.button.team") not in [label for m in await ana.messages() for label, _ in m.buttons]
    await ana.press_data("pteam")
    assert (await ana.new())[-1] == say("button.expired")


async def test_pdsa_export_sends_her_a_csv_of_cycles_points_and_notes(db, chat):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana)
    await ana.send("/log 60 20/11")
    await ana.send("/note A grandmother joined the visit.")
    await ana.press(say("pdsa.button.plan", number=1))
    await walk(db, ana, PLAN)
    await ana.send("/log 72")
    await ana.send("/pdsa export")
    async with db.unit_of_work() as uow:
        (document,) = [r for r in await uow.outbox.due(FAR, 1000) if r.payload["method"] == "sendDocument"]
        data = await uow.photos.data(document.payload["photo_of"])
    assert (document.payload["filename"], document.disclosure) == ("pdsa.csv", None), "her own: no one else's"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["record"], r["cycle"], r["date"], r["value"]) for r in rows if r["record"] == "point"] == [
        ("point", "baseline", "2026-11-20", "60"),
        ("point", "1", "2026-11-24", "72"),
    ]
    (cycle,) = [r for r in rows if r["record"] == "cycle"]
    assert cycle["prediction"] == PLAN["prediction"] and cycle["stage"] == "do"
    assert [r["text"] for r in rows if r["record"] == "note"] == ["A grandmother joined the visit."]


async def test_her_export_quotes_her_words_a_spreadsheet_would_run(db, chat):
    ana = await person(db, chat, "Ana")
    await own_project(db, ana, measure="=1+1")
    await ana.send("/log 60 20/11")
    await ana.send('/note @HYPERLINK("http://example.org")')
    await ana.send("/pdsa export")
    async with db.unit_of_work() as uow:
        (document,) = [r for r in await uow.outbox.due(FAR, 1000) if r.payload["method"] == "sendDocument"]
        data = await uow.photos.data(document.payload["photo_of"])
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["record"], r["measure"], r["value"], r["text"]) for r in rows] == [
        ("point", "'=1+1", "60", ""),
        ("note", "'=1+1", "", '\'@HYPERLINK("http://example.org")'),
    ]


async def test_a_team_projects_members_get_its_data_prompts_outside_their_own_quiet_hours(
    db, chat, clock, keeper
):
    sara = await person(db, chat, "Sara", role="supervisor")
    ana = await person(db, chat, "Ana")
    bea = await person(db, chat, "Bea")
    await bea.send("/settings")
    await bea.send("16:00-08:00")
    await sara.send("/pdsa")
    await sara.press(say("pdsa.button.team"))
    await walk(db, sara, {**PROJECT, "min": 0, "max": 10, "goal": 8})
    await sara.press(say("pdsa.button.plan", number=1))
    await walk(db, sara, PLAN)
    for client in (sara, ana, bea):
        await client.new()
    tally = await tick(keeper, clock, datetime(2026, 11, 24, 22, tzinfo=UTC))  # 17:00 in Lima
    prompt = say("pdsa.prompt.daily", measure="Visits kept", unit="%", day="24 Nov")
    assert tally["prompted"] == 2 and (await sara.new())[-1] == prompt and (await ana.new())[-1] == prompt
    assert await bea.new() == []  # her quiet hours
    await ana.press("6")
    assert await points(db, ana) == [("2026-11-24", 6)]


async def test_a_value_a_button_carries_is_checked_like_a_typed_one(db, chat):
    """Forged "another visit" and "replace" buttons with a value outside the measure's range, or
    a day in the future, store nothing: they get the typed value's answer and the question."""
    ana = await person(db, chat, "Ana")
    await own_project(db, ana, frequency="visit", min=0, max=7, goal=5)
    await ana.send("/log 3")
    await ana.send("/log 5")
    another = next(data for m in await ana.messages() for _, data in m.buttons if data.startswith("pm:"))
    project_id = another.split(":")[1]
    await ana.new()
    await ana.press_data(f"pm:{project_id}:20261124:999999")
    assert (await ana.new())[0] == say("pdsa.out_of_range", value="999999", range=" (from 0 to 7)")
    await ana.press_data(f"pm:{project_id}:29991231:5")
    assert (await ana.new())[0] == say("pdsa.future")
    replace = next(data for m in await ana.messages() for _, data in m.buttons if data.startswith("pr:"))
    point_id = replace.split(":")[1]
    await ana.press_data(f"pr:{point_id}:100")
    assert (await ana.new())[0] == say("pdsa.out_of_range", value="100", range=" (from 0 to 7)")
    assert await points(db, ana) == [("2026-11-24", 3)]
