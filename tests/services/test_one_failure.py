"""One failure stays one failure, on SQLite and PostgreSQL: an item of the clock whose own work
fails is set aside with its reason and leaves none of its writes, while the items before and
after it, and every other clock hook, still do theirs; a store error stops the tick, marks
nothing, and the tick is tried again with backoff."""

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from telegram.ext import JobQueue

from scheduler.jobs import Clockwork
from services.core.clock import ClockEnv, Timekeeper, speaker_for
from services.core.dispatch import ChatService
from services.core.failures import SetAside, each_alone
from services.core.registry import Feature, Registry
from services.features import FEATURES
from store.database import Database
from store.errors import is_store_error
from store.models import ChartRequest, DataPoint, OutboxMessage, Person
from tests.services.harness import Clock
from tests.services.test_pdsa import LIMA, QUIET_ONLY, own_project, person, photos, say


def registry(*first: Feature) -> Registry:
    """The program's features, after test-only ones (whose clock hooks then run first)."""
    return Registry.of([*first, *(module.feature(QUIET_ONLY) for module in FEATURES)])


@pytest.fixture
def chat(db: Database, clock: Clock) -> ChatService:
    return ChatService(db, QUIET_ONLY, LIMA, clock, registry=registry())


def keeper(db: Database, *first: Feature) -> Timekeeper:
    return Timekeeper(
        db, QUIET_ONLY, LIMA, render_run_chart=lambda chart: b"\x89PNG", registry=registry(*first)
    )


async def failures(db: Database) -> list[tuple[str, str, str]]:
    async with db.unit_of_work() as uow:
        return [(f.kind, f.item, f.reason) for f in await uow.failures.recent(10)]


async def test_a_chart_that_cannot_be_drawn_is_set_aside_and_the_clock_goes_on(db, chat, clock):
    """The reproduction: a stored value the chart cannot hold (infinite, from before input was
    bounded) made every tick raise, so every circle and reminder stopped."""
    ana, bea = await person(db, chat, "Ana"), await person(db, chat, "Bea")
    for client in (ana, bea):
        await own_project(db, client)
        await client.send("/log 7")
    async with db.unit_of_work() as uow:
        ana_id = (await uow.people.get_by_telegram_id(ana.telegram_id)).id
        await uow.session.execute(
            update(DataPoint).where(DataPoint.person_id == ana_id).values(value=float("inf"))
        )
        await uow.commit()
    for client in (ana, bea):
        await client.send("/pdsa")
        await client.press(say("pdsa.button.chart"))
    await client.new()

    tally = await keeper(db).tick(clock.now)

    assert tally["charts"] == 1 and len(await photos(db, bea)) == 1 and await photos(db, ana) == []
    async with db.unit_of_work() as uow:
        requests = {r.person_id == ana_id: r for r in await uow.session.scalars(select(ChartRequest))}
    assert {hers: request.status for hers, request in requests.items()} == {True: "failed", False: "sent"}
    [(kind, item, reason)] = await failures(db)
    assert (kind, item) == ("chart", str(requests[True].id)) and reason.startswith(
        ("ValueError at ", "OverflowError at ")
    )
    assert "inf" not in reason.lower().replace("info", "")  # the type and the line, not the value
    assert (await keeper(db).tick(clock.now + timedelta(minutes=1)))["charts"] == 0  # not again


async def test_a_summary_that_cannot_be_written_fails_alone_and_the_other_supervisors_get_theirs(
    db, chat, clock
):
    """A shared project holding such a value broke every supervisor's weekly summary too."""
    sara = await person(db, chat, "Sara", role="supervisor")
    tom = await person(db, chat, "Tom", role="supervisor", team="South")
    ana, bea = await person(db, chat, "Ana"), await person(db, chat, "Bea", team="South")
    for member in (ana, bea):
        await own_project(db, member)
        await member.send("/log 70")
        await member.send("/pdsa")
        await member.press(say("pdsa.button.share"))
    for supervisor in (sara, tom):
        await supervisor.send("/summary")
        await supervisor.new()
    async with db.unit_of_work() as uow:
        owner = await uow.people.get_by_telegram_id(ana.telegram_id)
        assert owner is not None
        (hers,) = [project for project in await uow.projects.all() if project.owner_id == owner.id]
        await uow.session.execute(
            update(DataPoint).where(DataPoint.project_id == hers.id).values(value=float("inf"))
        )
        await uow.commit()

    await keeper(db).tick(clock.now)

    assert any(say("pdsa.summary_header") in text for text in await tom.new())
    assert await sara.new() == []
    [(kind, _, reason)] = await failures(db)
    assert kind == "occurrence" and reason.startswith("ValueError at flows/runchart.py:")


@dataclasses.dataclass
class Greeter:
    """A test clock hook: greets each of its people (a message, and a mark on her row) in one
    batch; the one named `fails` raises after both writes."""

    env: ClockEnv
    people: Sequence[int]
    fails: int
    greeted: list[int] = dataclasses.field(default_factory=list)

    async def tick(self, now: datetime) -> dict[str, int]:
        todo = list(self.people)
        while todo:
            async with self.env.db.unit_of_work() as uow:
                batch = list((await uow.people.many(todo)).values())
                batch.sort(key=lambda p: todo.index(p.id))
                ran = await each_alone(uow, batch, partial(self.greet, uow, now=now), ASIDE, now)
                await uow.commit()
            todo = todo[len(ran.results) + 1 :]
        return {"greeted": len(self.greeted)}

    async def greet(self, uow, person: Person, *, now: datetime) -> None:
        await speaker_for(self.env, uow, person, now, f"greet:{person.id}").send("Good morning")
        person.timezone = "Europe/Madrid"
        await uow.session.flush()
        if person.id == self.fails:
            raise ValueError("her words could be here")
        self.greeted.append(person.id)

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        return None


ASIDE = SetAside("greeting")


async def test_an_item_that_fails_after_writing_leaves_nothing_while_the_others_commit(db, chat, clock):
    clients = [await person(db, chat, name) for name in ("Ana", "Bea", "Cai", "Dan")]
    for client in clients[:2]:
        await own_project(db, client)
        await client.send("/pdsa")
        await client.press(say("pdsa.button.chart"))  # the PDSA hook's work, due in the same tick
    async with db.unit_of_work() as uow:
        ids = [(await uow.people.get_by_telegram_id(c.telegram_id)).id for c in clients]
    hooks: list[Greeter] = []

    def greeter(env: ClockEnv) -> Greeter:
        hooks.append(Greeter(env, ids, fails=ids[1]))
        return hooks[-1]

    tally = await keeper(db, Feature("greeter", clock=greeter)).tick(clock.now)

    assert hooks[0].greeted == [ids[0], ids[2], ids[3]] and tally["greeted"] == 3
    async with db.unit_of_work() as uow:
        greetings = await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("greet:%"))
        )
        people = await uow.people.many(ids)
    assert sorted(m.chat_id for m in greetings) == sorted(
        c.telegram_id for c in clients if c is not clients[1]
    )
    assert [people[i].timezone for i in ids] == ["Europe/Madrid", None, "Europe/Madrid", "Europe/Madrid"]
    [(kind, item, reason)] = await failures(db)
    assert (kind, item) == ("greeting", str(ids[1]))
    assert reason.startswith("ValueError at tests/services/test_one_failure.py:") and "words" not in reason
    assert tally["charts"] == 2  # the other hooks did their work in the same tick


async def test_a_savepoint_released_inside_a_unit_of_work_that_rolls_back_leaves_nothing(db):
    """SQLite's driver, left to itself, began a transaction only before an INSERT, so a SAVEPOINT
    that came first committed on its release: here the whole unit of work is one transaction."""
    async with db.unit_of_work() as uow:
        await uow.settings.get("anything")  # a read first, as a clock batch does
        async with uow.session.begin_nested():
            await uow.settings.set("written", "in a savepoint")
        # left without commit: everything goes
    async with db.unit_of_work() as uow:
        assert await uow.settings.get("written") is None


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has no connection to cut
async def test_a_store_error_in_the_middle_stops_the_batch_and_marks_nothing(db, chat, clock):
    """The store goes away while the second item runs (its connection is cut): the first item's
    work is rolled back with the batch, nothing is set aside, and the tick fails to be tried again."""
    clients = [await person(db, chat, name) for name in ("Ana", "Bea", "Cai")]
    async with db.unit_of_work() as uow:
        ids = [(await uow.people.get_by_telegram_id(c.telegram_id)).id for c in clients]

    class Cut(Greeter):
        async def greet(self, uow, person: Person, *, now: datetime) -> None:
            if person.id == self.fails:
                await uow.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
            await super().greet(uow, person, now=now)

    with pytest.raises(Exception) as raised:
        await keeper(db, Feature("cut", clock=lambda env: Cut(env, ids, fails=ids[1]))).tick(clock.now)
    assert is_store_error(raised.value)
    assert await failures(db) == []
    async with db.unit_of_work() as uow:
        people = await uow.people.many(ids)
        greetings = list(
            await uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.idempotency_key.like("greet:%"))
            )
        )
    assert greetings == [] and all(p.timezone is None for p in people.values())


async def test_a_tick_the_store_refuses_is_tried_again_later_and_later(tmp_path: Path, clock):
    """No database where one should be: the tick fails, and the next is 5 s, 10 s, 20 s away."""
    (tmp_path / "store.db").mkdir()  # a folder where the file should be: SQLite cannot open it
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    clockwork = Clockwork(JobQueue(), keeper(db), clock)
    waits = [await clockwork.tick() - clock.now for _ in range(3)]
    assert waits == [timedelta(seconds=5), timedelta(seconds=10), timedelta(seconds=20)]
    await db.dispose()


async def test_a_wake_while_a_tick_runs_brings_another_tick_at_once(db: Database, clock):
    """A /mydata request or a chart is committed while a tick is running, which may have read
    before it: the tick's own plan (the next due item, an hour away) must not swallow the wake."""
    started, release = asyncio.Event(), asyncio.Event()

    class Held(Clockwork):
        async def tick(self) -> datetime:
            started.set()
            await release.wait()
            return clock.now + timedelta(hours=1)

    queue = JobQueue()  # type: ignore[var-annotated]
    clockwork = Held(queue, keeper(db), clock)
    running = asyncio.create_task(clockwork._tick(None))  # type: ignore[arg-type]
    await started.wait()
    clockwork.wake()  # what woke it was committed after the tick read
    release.set()
    await running
    [job] = queue.get_jobs_by_name(Clockwork.NAME)
    due = job.job.trigger.run_date - datetime.now(job.job.trigger.run_date.tzinfo)
    assert due < timedelta(minutes=1), "the next tick is now, not in the hour the tick planned"
