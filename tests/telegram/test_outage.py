"""The database goes away and comes back (issue 19, item 1), on a PostgreSQL started for each
test alone and stopped as an operator's restart stops it: what people sent meanwhile is neither
lost nor doubled, each chat keeps its order, and the replies come, late. Polling pauses while
the store is down; the webhook answers 503 meanwhile, and 200 again after."""

import asyncio
from collections.abc import Iterator

import aiohttp
import pytest

from bot import Wired
from handlers.webhook import SECRET_HEADER
from store.database import Database
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.pgserver import PostgresServer, postgres_or_skip
from tests.telegram.conftest import CONTENT, invite, running, webhooked
from tests.telegram.test_end_to_end import join

SELFCHECK = CONTENT.flows["rios_selfcheck"]
SCORED = [step for step in SELFCHECK.steps if step.id.startswith(("element_", "task_"))]  # ten scales
FIRST_PART = 4  # answers each sends before the restart; the rest are sent while the store is down


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A server of this test's own: stopping it must not stop anyone else's."""
    server = postgres_or_skip()
    yield server
    server.stop()


@pytest.fixture
def database_url(own_postgres: PostgresServer) -> str:
    return own_postgres.url


class Watch:
    """The outage's two moments, as events a test waits on."""

    def __init__(self, bot: Wired) -> None:
        self.down, self.back = asyncio.Event(), asyncio.Event()

        async def went_down() -> None:
            self.down.set()

        async def came_back() -> None:
            self.back.set()

        bot.outage.observe(went_down, came_back)


def scores(person: FakeUser) -> list[int]:
    """Her own answers, different from everyone else's, so one out of place shows."""
    return [(person.id + n) % 5 + 1 for n in range(len(SCORED))]


async def stored(db: Database, person: FakeUser) -> list[tuple[str, object]]:
    """Her scores as the store kept them, in the order they were written."""
    async with db.unit_of_work() as uow:
        found = await uow.people.get_by_telegram_id(person.id)
        assert found is not None
        run = await uow.runs.active_for(found.id)
        assert run is not None
        answers = await uow.answers.for_runs([run.id])
    return [(answer.step_id, answer.value) for answer in answers if answer.step_id != "session_date"]


async def test_a_postgresql_restart_under_a_stream_of_answers_loses_nothing(
    fake: FakeBotApi, store: Database, database_url: str, own_postgres: PostgresServer
):
    async with running(fake, store, database_url) as bot:
        watch = Watch(bot)
        people = [fake.user(n, f"Supervisor {n}") for n in range(1, 5)]
        for person in people:
            await join(person, await invite(store, "supervisor", f"Team {person.id}"))
            await person.send("/selfcheck")
            await person.replies(3)
            await person.press("Today")
            await person.replies()
        asked = [len(person.messages) for person in people]

        for person in people:  # a stream: nobody waits for the bot's reply before her next answer
            for score in scores(person)[:FIRST_PART]:
                await person.send(str(score))
        await fake.wait_until(lambda: sum(len(p.messages) for p in people) > sum(asked))
        await asyncio.to_thread(own_postgres.halt)  # with some of the first answers still in hand
        for person in people:
            for score in scores(person)[FIRST_PART:]:
                await person.send(str(score))
        await asyncio.wait_for(watch.down.wait(), 15)
        for person, before in zip(people, asked, strict=True):
            assert len(person.messages) - before <= FIRST_PART, "nothing is answered while the store is down"

        await asyncio.to_thread(own_postgres.start)
        await asyncio.wait_for(watch.back.wait(), 30)
        following = SELFCHECK.steps[SELFCHECK.steps.index(SCORED[0]) + 1 :]  # the questions each score brings
        for person, before in zip(people, asked, strict=True):
            await fake.wait_until(lambda: len(person.messages) >= before + len(following), 30)  # noqa: B023
            said = [message["text"].split("\n\n")[0] for message in person.messages[before:]]  # no hint
            assert said == [step.ask["en"] for step in following], "once each, in order"
            answers = [(step.id, score) for step, score in zip(SCORED, scores(person), strict=True)]
            assert await stored(store, person) == answers, "none lost, none doubled, in her order"
        assert watch.down.is_set() and not bot.outage.down


async def test_the_webhook_answers_503_while_the_store_is_down_and_each_update_is_handled_once(
    fake: FakeBotApi, store: Database, database_url: str, own_postgres: PostgresServer
):
    secret = "a-secret-only-telegram-knows"
    async with webhooked(fake, store, database_url, secret) as (bot, url), aiohttp.ClientSession() as http:
        watch = Watch(bot)
        ana = fake.user(1, "Ana")
        await join(ana, await invite(store, "home_visitor", "North"))
        joined = len(ana.messages)

        async def deliver(update: dict[str, object]) -> int:
            """Telegram's delivery of one update: the status the bot answered."""
            async with http.post(url, json=update, headers={SECRET_HEADER: secret}) as response:
                return response.status

        await asyncio.to_thread(own_postgres.halt)
        assert await deliver(ana.message_update("/help")) == 200  # accepted before anyone knew
        await asyncio.wait_for(watch.down.wait(), 15)
        later = ana.message_update("/language")
        assert await deliver(later) == 503, "Telegram is told to deliver it again later"
        assert len(ana.messages) == joined, "nothing is answered while the store is down"

        await asyncio.to_thread(own_postgres.start)
        await asyncio.wait_for(watch.back.wait(), 30)
        assert (await ana.replies())[0].startswith("Here is what you can do"), "the held update, late"
        assert await deliver(later) == 200  # Telegram's next try
        assert (await ana.replies())[0] == "Which language would you like me to use?"
        assert await deliver(later) == 200  # delivered once more: nothing more is said
        assert await deliver(ana.message_update("/help")) == 200
        said = await ana.replies()
        assert said[0].startswith("Here is what you can do"), said
