"""Extreme input, on SQLite and PostgreSQL (issue 16): what she types is bounded in one place
(flows.bounds). First the reproductions, then a property test that feeds every answer type and
every command or question that reads her words with huge and tiny numbers, NaN and Infinity
spelled out, far dates, 10,000-character texts, invisible, right-to-left and control
characters: nothing escapes the chat service, every update is answered within Telegram's
lengths, nothing non-finite is stored, and no PostgreSQL statement fails."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import pytest
import telegram
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from flows.bounds import CAPTION_LIMIT, MESSAGE_LIMIT, NAME_LIMIT, SHOWN_LIMIT
from flows.spec import Flow
from handlers.private import to_incoming
from services.core.dispatch import ChatService
from services.core.outgoing import Outgoing
from services.core.turn import GroupFacts, Incoming, Sender
from services.features import registry_for
from store.database import Database
from store.models import Answer, DataPoint, FlowRun, Person, Project
from store.statuses import ProjectStatus
from tests.services.harness import CONTENT, Client, Clock, join, make_invite
from tests.services.pdsa_walk import PROJECT, active_step, walk

LIMA = "America/Lima"
_update_ids = itertools.count(5_000_000)


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


# --- the reproductions -----------------------------------------------------------------------


async def person(db: Database, chat: ChatService, name: str, role: str = "home_visitor") -> Client:
    client = Client(chat, db, telegram_id=9000 + sum(map(ord, name)), name=name)
    await join(client, await make_invite(db, role, "North"))
    return client


async def stored_points(db: Database) -> list[float]:
    async with db.unit_of_work() as uow:
        return [p.value for p in await uow.projects.points([p.id for p in await uow.projects.all()])]


async def test_a_400_digit_value_on_a_measure_with_no_highest_value_is_refused_kindly(db, chat):
    ana = await person(db, chat, "Ana")
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.own"))
    await walk(db, ana, {**PROJECT, "max": None, "goal": None})
    await ana.new()
    await ana.send("/log " + "9" * 400)
    said = await ana.new()
    assert said[0] == say("error.number_too_big", max=SHOWN_LIMIT)  # not "Logged: inf"
    assert said[-1].startswith("What is “Visits kept” (%) for 24 Nov?")  # asked again
    assert not any("inf" in line for line in said)
    assert await stored_points(db) == []
    await ana.send("70")
    await ana.send("/log " + "9" * 400 + " yesterday")
    assert (await ana.new())[-2] == say("error.number_too_big", max=SHOWN_LIMIT)
    assert await stored_points(db) == [70]  # her earlier value is kept, nothing else stored


async def test_a_400_digit_answer_to_a_number_question_with_no_highest_value_is_refused_and_the_flow_goes_on(
    db, chat
):
    ana = await person(db, chat, "Ana")
    await ana.send("/pdsa")
    await ana.press(say("pdsa.button.own"))
    await walk(db, ana, PROJECT, stop_at="max")  # "the highest value it can have": no max of its own
    where = await active_step(db, ana)
    async with db.unit_of_work() as uow:
        her = await uow.people.get_by_telegram_id(ana.telegram_id)
        run = None if her is None else await uow.runs.active_for(her.id)
        assert run is not None
        before = [(a.step_id, a.value) for a in await uow.answers.for_run(run.id)]
    await ana.new()
    await ana.send("9" * 400)  # on PostgreSQL this failed the update: JSONB refuses Infinity
    said = await ana.new()
    assert said[0] == say("error.number_too_big", max=SHOWN_LIMIT)
    assert await active_step(db, ana) == where  # asked again
    async with db.unit_of_work() as uow:
        assert [(a.step_id, a.value) for a in await uow.answers.for_run(run.id)] == before  # all kept
    await walk(db, ana, PROJECT)  # and the flow goes on to its end
    async with db.unit_of_work() as uow:
        (project,) = await uow.projects.all()
    assert (project.lowest, project.highest, project.status) == (0, 100, "active")


async def test_a_send_later_time_more_than_a_year_ahead_is_refused_and_the_draft_kept(db, chat):
    sara = await person(db, chat, "Sara", role="supervisor")
    await person(db, chat, "Ana")
    await sara.send("/bulletin")
    await sara.send("Team meeting moves to Thursday.")
    await sara.press(say("button.send_later"))
    await sara.send("31/12/9999 23:59")
    assert (await sara.new())[-1] == say("bulletin.too_far")
    await sara.send("25/11 09:00")  # the draft is still hers
    assert (await sara.new())[-1] == say("bulletin.scheduled", count=1, when="25/11/2026 09:00")


async def test_a_circle_name_too_long_for_its_groups_posts_is_asked_again(db, chat):
    fatima = await person(db, chat, "Fatima", role="facilitator")
    facts = GroupFacts(sender_admin=True, bot_admin=True)
    sender = Sender(fatima.telegram_id, fatima.name, None, "en")
    await chat.handle(
        Incoming(next(_update_ids), -100888, sender, private=False, command="circle", group=facts)
    )
    await fatima.new()
    await fatima.send("North " * 20)
    assert await fatima.new() == [say("circle.too_long", given=119, most=NAME_LIMIT)]  # not cut silently
    await fatima.send("North circle")
    assert await fatima.new() == [say("circle.ask_language")]
    async with db.unit_of_work() as uow:
        circle = await uow.circles.by_chat(-100888)
    assert circle is not None and circle.name == "North circle"


# --- the property test -----------------------------------------------------------------------

# One flow per answer type, its one question asked again after every answer, so that every
# extreme text of an example reaches the same question.
ANSWERS: dict[str, dict[str, Any]] = {
    "text": {"type": "text", "min_length": 2, "max_length": 500},
    "number": {"type": "number"},
    "whole": {"type": "number", "integer": True, "min": 0, "max": 40},
    "scale": {"type": "scale"},
    "choice": {
        "type": "choice",
        "choices": [{"id": "a", "label": {"en": "A"}}, {"id": "b", "label": {"en": "B"}}],
    },
    "multi": {
        "type": "multi",
        "choices": [{"id": "a", "label": {"en": "A"}}, {"id": "b", "label": {"en": "B"}}],
    },
    "yesno": {"type": "yesno"},
    "date": {"type": "date"},
    "future": {"type": "date", "allow_future": True},
}


def _flow(kind: str, answer: dict[str, Any]) -> Flow:
    return Flow.model_validate(
        {
            "id": f"x_{kind}",
            "command": f"x_{kind}",
            "title": {"en": f"Extreme {kind}"},
            "for_roles": ["home_visitor"],
            "steps": [{"id": "q", "ask": {"en": f"A {kind}?"}, "answer": answer, "next": [{"goto": "q"}]}],
        }
    )


EXTREMES = dataclasses.replace(
    CONTENT, flows={**CONTENT.flows, **{f"x_{kind}": _flow(kind, answer) for kind, answer in ANSWERS.items()}}
)

NUMBERS = [
    *("NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "1e309", "-1e309", "1e-21", "0x1F"),
    *("9" * 400, "-" + "9" * 400, "0." + "0" * 30 + "1", "1000000000000", "1000000000000.5"),
    *("123456789012345678", "7", "-7", "+7", "7,5", "1 234", "1\u00a0234", "٣٫٥", "-0", "3"),
]
DATES = [
    *("31/12/9999", "1/1/3000", "0/0/0000", "1/1/0001", "0001-01-01", "9999-12-31", "29/02", "24/11"),
    *("31/12/9999 23:59", "1/1/3000 09:00", "9999-12-31 23:59", "99:99", "23:59", "21:00-06:30"),
]
TEXTS = [
    *("x" * 10_000, "word " * 2_000, "", " ", "\u200b", "\u200b\u200c\u200d\ufeff", "\u202e", "\u200f"),
    *("\u202e7\u200f", "مرحبا بكم في الدائرة", "\x00", "a\x00b", "\ud800", "a\udfffb", "\x07\x1b[31m"),
    *("yes", "1", "1, 2", "today", "off", "Lima", "export", "Asia/Tokyo", "hello team"),
]
INVISIBLE = ["", "", "\u200b", "\ufeff", "\u202e", "\u200f", "\x00", "\ud800", " \n"]
extreme = st.one_of(
    st.sampled_from(NUMBERS + DATES + TEXTS),
    st.builds(
        lambda a, core, b: a + core + b,
        *(st.sampled_from(x) for x in (INVISIBLE, NUMBERS + DATES, INVISIBLE)),
    ),
    st.builds(
        lambda core, times: core * times,
        st.sampled_from(["9", "x", "\u200b", "مرحبا "]),
        st.integers(1, 5000),
    ),
    st.text(max_size=12),
)


@dataclass
class World:
    """One database for every example: a home visitor with a project that has no range, a
    supervisor of her team, and someone not in circlebot."""

    db: Database
    ana: Client
    sara: Client
    stranger: Client


async def typed(client: Client, text: str) -> list[Outgoing]:
    """Her text as Telegram delivers it, through the adapter that cleans it."""
    chat = {"id": client.telegram_id, "type": "private"}
    sender = {"id": client.telegram_id, "is_bot": False, "first_name": client.name, "language_code": "en"}
    message = {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": text}
    incoming = to_incoming(
        telegram.Update.de_json({"update_id": next(_update_ids), "message": message}, None)
    )
    assert incoming is not None
    return await client.chat.handle(incoming)


Ask = Callable[[World, str], Awaitable[list[Outgoing]]]


def command(name: str) -> Ask:
    return lambda world, text: typed(world.ana, f"/{name} {text}")


def prompt(*steps: str, who: str = "ana") -> Ask:
    """Her words after the question these steps open (`press:` a button's data)."""

    async def ask(world: World, text: str) -> list[Outgoing]:
        client: Client = getattr(world, who)
        for step in steps:
            await (client.press_data(step[6:]) if step.startswith("press:") else client.send(step))
        return await typed(client, text)

    return ask


def flow(kind: str) -> Ask:
    async def ask(world: World, text: str) -> list[Outgoing]:
        if await active_step(world.db, world.ana) != (f"x_{kind}", "q"):
            await world.ana.send("/cancel")
            await world.ana.send(f"/x_{kind}")
        return await typed(world.ana, text)

    return ask


TARGETS: dict[str, Ask] = {
    **{f"flow {kind}": flow(kind) for kind in ANSWERS},
    **{f"/{name} <text>": command(name) for name in ("log", "note", "pdsa", "away", "start")},
    "stranger /start <text>": lambda world, text: typed(world.stranger, f"/start {text}"),
    "a PDSA value": prompt("/log"),
    "a PDSA note": prompt("/note"),
    "the day she is back": prompt("/away"),
    "her timezone or quiet hours": prompt("/settings"),
    "the summary's time": prompt("press:sday:0", who="sara"),
    "a bulletin": prompt("/bulletin", who="sara"),
    "a bulletin's send-later time": prompt("/bulletin", "Hello team", "press:bl:later", who="sara"),
}


@pytest.fixture
async def world(db: Database, clock: Clock) -> AsyncIterator[World]:
    chat = ChatService(db, EXTREMES, LIMA, clock, registry=registry_for(EXTREMES))
    ana, sara = Client(chat, db, 8101, "Ana"), Client(chat, db, 8102, "Sara")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await join(sara, await make_invite(db, "supervisor", "North"))
    async with db.unit_of_work() as uow:
        owner = await uow.people.get_by_telegram_id(ana.telegram_id)
        assert owner is not None
        project = await uow.projects.add(
            owner.id, clock.now, aim="Keep visits", measure="Visits", unit="visits"
        )
        project.status = ProjectStatus.ACTIVE
        await uow.commit()
    yield World(db, ana, sara, Client(chat, db, 8103, "Someone"))


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


async def _stored(db: Database) -> list[object]:
    """Every number or JSON value her answers could have reached."""
    async with db.sessions() as session:
        found: list[object] = []
        for column in (Answer.value, FlowRun.state, DataPoint.value, Person.awaiting):
            found += (await session.scalars(select(column))).all()
        for row in (await session.execute(select(Project.lowest, Project.highest, Project.goal))).all():
            found += list(row)
    return found


def _fits(reply: Outgoing) -> bool:
    params = reply.params
    return len(params.get("text", "")) <= MESSAGE_LIMIT and len(params.get("caption") or "") <= CAPTION_LIMIT


# Every target gets the worst of each kind at least once, whatever hypothesis draws besides.
WORST = ["9" * 400, "NaN", "-Infinity", "1e309", "31/12/9999", "1/1/3000 09:00", "x" * 10_000, "\u200b\ufeff"]
WORST += ["a\x00\ud800b", "\u202eمرحبا\u200f"]


def every_target(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., Coroutine[Any, Any, None]]:
    for name in TARGETS:
        test = example(target=name, texts=WORST)(test)
    return test


@settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(target=st.sampled_from(sorted(TARGETS)), texts=st.lists(extreme, min_size=1, max_size=4))
@every_target
async def test_no_extreme_input_crashes_goes_unanswered_or_stores_anything_non_finite(world, target, texts):
    for text in texts:
        replies = await TARGETS[target](world, text)
        assert replies, f"no reply to {text[:40]!r} for {target}"
        assert all(_fits(reply) for reply in replies)
    assert all(_finite(value) for value in await _stored(world.db))


def test_her_telegram_name_is_cleaned_like_her_words():
    """Her name is stored and shown to others: what PostgreSQL refuses, or what hides, goes."""
    sender = {"id": 5, "is_bot": False, "first_name": "\u200bAna\x00", "last_name": "Ruiz\ud800"}
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "from": sender, "text": "hi"}
    incoming = to_incoming(telegram.Update.de_json({"update_id": 1, "message": message}, None))
    assert incoming is not None and incoming.sender.name == "Ana Ruiz"
