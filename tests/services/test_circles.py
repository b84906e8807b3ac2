"""Learning circles through the chat use case and the clock, on SQLite and PostgreSQL: the
set-up dialog's bad input, buttons forged to act on someone else's things, private answers
that are too long or too late, sharing chosen once, reminders outside quiet hours and never to
someone away, a session the bot was down for, and two sessions that can never run at once."""

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from flows.schedules import Schedules
from services.core.clock import Timekeeper
from services.core.dispatch import ChatService
from services.core.turn import GroupFacts, Incoming, Sender
from services.features import registry_for
from store.database import Database
from store.statuses import SessionStatus
from tests.services.harness import CONTENT, Client, Clock, join, make_invite, outbox

QUIET_ONLY = dataclasses.replace(CONTENT, schedules=Schedules(quiet_hours=CONTENT.schedules.quiet_hours))
LIMA = "America/Lima"
GROUP = -100777
_ids = itertools.count(50_000)
_messages = itertools.count(1)


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


def start(key: str) -> str:
    return say(key).split("{")[0]


@pytest.fixture
def chat(db: Database, clock: Clock) -> ChatService:
    return ChatService(db, QUIET_ONLY, LIMA, clock, registry=registry_for(QUIET_ONLY))


@pytest.fixture
def keeper(db: Database) -> Timekeeper:
    return Timekeeper(
        db, QUIET_ONLY, LIMA, render=lambda summary: b"\x89PNG summary", registry=registry_for(QUIET_ONLY)
    )


async def in_group(client: Client, **fields: Any) -> None:
    """Something she does in the circle's group."""
    sender = Sender(client.telegram_id, client.name, None, "en")
    facts = fields.pop("group", GroupFacts())
    await client.chat.handle(
        Incoming(next(_ids), GROUP, sender, private=False, group=facts, message_id=next(_messages), **fields)
    )


async def group_posts(db: Database) -> list[str]:
    return [m.text for m in await outbox(db) if m.chat_id == GROUP]


async def button_of(client: Client, prefix: str) -> str:
    for message in reversed(await client.messages()):
        for _, data in message.buttons:
            if data.startswith(prefix):
                return data
    raise AssertionError(f"no {prefix} button for {client.name}")


async def circle_of(chat: ChatService, db: Database) -> tuple[Client, list[Client]]:
    """A facilitator, three members who tapped Join, and a circle meeting Wednesdays 11:00."""
    fatima = Client(chat, db, 801, "Fatima")
    await join(fatima, await make_invite(db, "facilitator", "North"))
    code = await make_invite(db, "home_visitor", "North", uses=3)
    members = [Client(chat, db, 810 + k, name) for k, name in enumerate(("Ana", "Beto", "Carla"))]
    for member in members:
        await join(member, code)
    await in_group(fatima, command="circle", group=GroupFacts(sender_admin=True, bot_admin=True))
    await fatima.send("North circle")
    await fatima.press("English")
    await fatima.press("Case consultation")
    await fatima.press("Wednesday")
    await fatima.send("11:00")
    join_button = next(data for m in await outbox(db) if m.chat_id == GROUP for _, data in m.buttons)
    for member in members:
        await in_group(member, callback=join_button, callback_id="q")
        await member.new()
    await fatima.new()
    return fatima, members


async def test_the_set_up_asks_again_for_a_time_it_cannot_read_and_keeps_the_rest(
    chat: ChatService, db: Database
) -> None:
    fatima = Client(chat, db, 801, "Fatima")
    await join(fatima, await make_invite(db, "facilitator", "North"))
    await in_group(fatima, command="circle", group=GroupFacts(sender_admin=True, bot_admin=True))
    await fatima.send("   North   circle ")
    await fatima.new()
    await fatima.send("no buttons")  # a word where a button is wanted
    assert await fatima.new() == [say("circle.use_buttons")]
    await fatima.press("English")
    await fatima.press("Home-visiting topics")
    await fatima.press("Wednesday")
    await fatima.new()
    await fatima.send("25:99")
    assert await fatima.new() == [say("circle.bad_time")]
    await fatima.send("11:30")
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        assert circle is not None
        scheduled = await uow.circles.sessions_with(circle.id, (SessionStatus.SCHEDULED,))
    assert (circle.name, circle.language, circle.set_id, circle.meets_on) == (
        "North circle",
        "en",
        "home_visiting_topics",
        "wednesday",
    )
    assert [s.template_id for s in scheduled] == ["building_relationships"]
    assert scheduled[0].starts_at == datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # Wednesday 11:30 in Lima
    assert any(start("circle.ready") in text for text in await group_posts(db))


async def test_buttons_forged_to_act_on_someone_elses_things_change_nothing(
    chat: ChatService, db: Database
) -> None:
    fatima, (ana, beto, _) = await circle_of(chat, db)
    await in_group(fatima, command="session")
    await in_group(fatima, command="next")  # members propose cases privately
    await ana.send("A family that keeps moving house")
    await in_group(fatima, command="next")
    await in_group(fatima, command="next")
    await in_group(fatima, command="next")
    await in_group(fatima, command="next")  # perspectives: a private reflection
    await ana.send("I think of the child's routines.")
    share = await button_of(ana, "cp:")
    contribution = share.split(":")[1]
    await beto.new()
    for forged in (
        f"cp:{contribution}:name",  # Ana's reflection, shared by Beto
        f"cu:{contribution}:yes",  # a follow-up of someone else's words
        "ck:1:5",  # a rating of a session that has not ended
        "cs:1:set:case_consultation",  # Fatima's set-up
        "cr:999:yes",
    ):
        await beto.press_data(forged)
    assert await beto.new() == [say("button.expired")] * 5
    async with db.unit_of_work() as uow:
        mine = await uow.circles.contribution(int(contribution))
        circle = await uow.circles.by_chat(GROUP)
    assert mine is not None and mine.shared is None and mine.tried is None
    assert circle is not None and circle.set_id == "case_consultation"
    await ana.press_data(share)
    await ana.press_data(share.replace(":name", ":anonymous"))  # her choice is made once
    assert (await ana.new())[-2:] == [say("circle.shared_name"), say("button.expired")]
    assert sum("• Ana: I think of the child's routines." in text for text in await group_posts(db)) == 1


async def test_a_case_title_too_long_is_asked_again_and_a_late_answer_is_not_added(
    chat: ChatService, db: Database
) -> None:
    """A private prompt lapses with its segment: she is told, and words after it are not added."""
    fatima, (ana, _, _) = await circle_of(chat, db)
    await in_group(fatima, command="session")
    await in_group(fatima, command="next")
    await ana.new()
    await ana.send("A" * 120)
    assert (await ana.new())[-1] == say("circle.too_long", most=80, given=120)
    await ana.send("A father away at the mine")
    assert (await ana.new())[-1] == say("circle.case_check", title="A father away at the mine")
    for _ in range(4):
        await in_group(fatima, command="next")  # to the perspectives' private reflection
    await in_group(fatima, command="end")  # before Ana answered it
    assert say("circle.prompt_lapsed") in await ana.new()
    await ana.send("Too late, but here is my reflection")
    assert await ana.new() == [say("chat.nothing_active")]
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        assert circle is not None
        (ended,) = await uow.circles.sessions_with(circle.id, (SessionStatus.ENDED,))
        cases = await uow.circles.contributions(ended.id, "case")
    assert [c.text for c in cases] == ["A father away at the mine"]


@pytest.mark.parametrize("until_she_says", [False, True], ids=["back-on-a-day", "until-she-says-so"])
async def test_reminders_keep_to_quiet_hours_and_skip_whoever_is_away(
    chat: ChatService, db: Database, clock: Clock, keeper: Timekeeper, until_she_says: bool
) -> None:
    """The day before at 11:00 in Lima: Beto's own quiet hours run to noon, Carla is away (till
    a day, or until she says so: issue 23)."""
    _, (ana, beto, carla) = await circle_of(chat, db)
    async with db.unit_of_work() as uow:
        people = {c.name: await uow.people.get_by_telegram_id(c.telegram_id) for c in (ana, beto, carla)}
        for name, person in people.items():
            assert person is not None
            if name == "Beto":
                person.quiet_start, person.quiet_end = (
                    datetime(2026, 1, 1, 20).time(),
                    datetime(2026, 1, 1, 12).time(),
                )
            if name == "Carla" and until_she_says:
                person.away_open = True
            elif name == "Carla":
                person.away_until = date(2026, 12, 1)
        await uow.commit()
    clock.now = datetime(2026, 11, 24, 16, tzinfo=UTC)  # Tuesday 11:00 in Lima
    await keeper.tick(clock.now)
    rows = await outbox(db)
    asks = {m.chat_id: m for m in rows if m.text.startswith(start("circle.rsvp_ask_day"))}
    assert set(asks) == {ana.telegram_id, beto.telegram_id}
    async with db.unit_of_work() as uow:
        due = {
            row.chat_id: row.not_before
            for row in await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), 1000)
        }
    assert due[ana.telegram_id] == clock.now
    assert due[beto.telegram_id] == datetime(2026, 11, 24, 17, tzinfo=UTC)  # noon in Lima
    assert sum(text.startswith(start("circle.reminder_day")) for text in await group_posts(db)) == 1
    await keeper.tick(clock.now)  # a second tick sends nothing twice
    assert len(await outbox(db)) == len(rows)
    await ana.press_data(asks[ana.telegram_id].buttons[0][1])
    assert (await ana.new())[-1] == say("circle.rsvp_yes", name="North circle")


async def test_a_session_the_bot_was_down_for_is_not_opened_late_and_the_next_is_scheduled(
    chat: ChatService, db: Database, clock: Clock, keeper: Timekeeper
) -> None:
    await circle_of(chat, db)
    clock.now = datetime(2026, 11, 25, 16, tzinfo=UTC) + timedelta(hours=3)  # 11:00 + 3 h in Lima
    await keeper.tick(clock.now)
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        assert circle is not None
        cancelled = await uow.circles.sessions_with(circle.id, (SessionStatus.CANCELLED,))
        scheduled = await uow.circles.sessions_with(circle.id, (SessionStatus.SCHEDULED,))
    assert len(cancelled) == 1 and [s.starts_at for s in scheduled] == [datetime(2026, 12, 2, 16, tzinfo=UTC)]
    assert not any(text.startswith(start("circle.opened")) for text in await group_posts(db))


async def test_two_sessions_of_a_circle_never_run_at_once(
    chat: ChatService, db: Database, clock: Clock, keeper: Timekeeper
) -> None:
    fatima, _ = await circle_of(chat, db)
    await in_group(fatima, command="session")  # the Wednesday session, opened early
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        assert circle is not None
        await uow.circles.add_session(circle, "toy_making", clock.now, clock.now, clock.now)
        await uow.commit()
    await keeper.tick(clock.now)  # the other one's time has come: it waits for the first
    async with db.unit_of_work() as uow:
        running = await uow.circles.sessions_with(circle.id, (SessionStatus.OPEN, SessionStatus.PAUSED))
        (waiting,) = await uow.circles.sessions_with(circle.id, (SessionStatus.SCHEDULED,))
        assert len(running) == 1 and waiting.due_at == clock.now + timedelta(minutes=5)
        waiting.status = SessionStatus.OPEN  # and the store refuses it outright
        with pytest.raises(IntegrityError):
            await uow.session.flush()
    await in_group(fatima, command="session")
    assert (await fatima.new())[-1] == say("circle.already_running")


async def test_a_circles_question_waits_behind_her_reflection_and_never_takes_its_answer(
    chat: ChatService, db: Database
) -> None:
    """Rule 8: Ana is half-way through /reflect when the circle asks members for a case. Her next
    answer stays in her reflection (never a case, never a vote button in the group); she is told
    the circle's question waits, and it is asked when her reflection ends. Beto's waiting
    question lapses with its segment, and he is told."""
    fatima, (ana, beto, carla) = await circle_of(chat, db)
    for member in (ana, beto):
        await member.send("/reflect")
        await member.send("today")
        await member.send("A mother showed me how she sings to her baby at bath time.")
        await member.new()
    await in_group(fatima, command="session")
    await in_group(fatima, command="next")  # the case is proposed privately
    asked = (await carla.new())[-1]  # Carla was free: asked at once
    assert await ana.new() == [say("circle.prompt_waiting", name="North circle")]
    await ana.send("Baby L.'s mother drinks")
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        assert circle is not None
        (running,) = await uow.circles.sessions_with(circle.id, (SessionStatus.OPEN,))
        assert await uow.circles.contributions(running.id, "case") == []
        ana_person = await uow.people.get_by_telegram_id(ana.telegram_id)
        assert ana_person is not None
        run = await uow.runs.active_for(ana_person.id)
        assert run is not None
        answers = await uow.answers.for_runs([run.id])
    assert "Baby L.'s mother drinks" in [a.value for a in answers]
    assert not any("Baby L." in post for post in await group_posts(db))
    await ana.new()
    await ana.send("/cancel")  # her reflection ends: the circle's question comes now
    assert (await ana.new())[-1] == asked
    await ana.send("A father away at the mine")
    assert (await ana.new())[-1] == say("circle.case_check", title="A father away at the mine")
    await ana.press_data(await button_of(ana, "cc:"))  # put to the vote
    assert (await ana.new())[-1] == say("circle.case_noted", title="A father away at the mine")
    await beto.new()
    await in_group(fatima, command="next")  # the segment ends before Beto is free
    assert await beto.new() == [say("circle.prompt_lapsed")]
    await beto.send("/cancel")
    assert asked not in await beto.new()
    vote_buttons = [label for m in await outbox(db) if m.chat_id == GROUP for label, _ in m.buttons]
    assert "A father away at the mine" in vote_buttons and not any("Baby L." in b for b in vote_buttons)


async def test_a_session_sends_nothing_privately_to_a_member_away_until_she_says_so(
    chat: ChatService, db: Database
) -> None:
    """Issue 23: no private question, recap or rating question while she is away until she says so."""
    fatima, (ana, _, carla) = await circle_of(chat, db)
    await carla.send("/away")
    await carla.press(say("away.button.open"))
    await carla.new()
    await in_group(fatima, command="session")
    await in_group(fatima, command="next")  # the case is proposed privately
    assert await ana.new() != []
    await in_group(fatima, command="end")
    assert any(text.startswith(start("circle.rate")) for text in await ana.new())
    assert await carla.new() == []
