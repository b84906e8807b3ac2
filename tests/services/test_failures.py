"""An update whose handling fails, on SQLite and PostgreSQL: its own error is answered with an
apology in her language and the update counts as handled; a store error is not answered: the
update is held until the store answers, then done once; the log gets the error's type and the update's id, never
her words."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.core.dispatch import ChatService
from services.core.registry import ANYBODY, ANYONE, Command, Feature, Registry
from services.core.turn import GroupFacts, Incoming, Sender, Turn
from services.features import registry_for
from store.database import Database
from tests.refusals import refuse_answers_containing
from tests.services.harness import CONTENT, Client, Clock, join, make_invite, outbox

NOTHING_ACTIVE = "There is no conversation going on right now. /help shows what you can do."
SORRY_EN = "Sorry, something went wrong on our side. Your answers so far are kept; please try again."
SORRY_ES = (
    "Lo sentimos, algo salió mal de nuestro lado. Lo que ya respondió queda guardado; "
    "por favor, inténtelo de nuevo."
)


async def _fail(turn: Turn) -> None:
    raise ValueError("a feature's own bug")


async def _break_connection(session: AsyncSession) -> None:
    """The connection under this unit of work goes away, as when the database restarts."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    raw = await connection.get_raw_connection()
    raw.driver_connection.stop()  # type: ignore[union-attr]
    await connection.execute(text("SELECT 1"))


class Outage:
    """A command whose first run meets a store that went away; run again, it does its work."""

    def __init__(self) -> None:
        self.broken = False

    async def __call__(self, turn: Turn) -> None:
        if not self.broken:
            self.broken = True
            await _break_connection(turn.uow.session)
        await turn.say("chat.nothing_active")


def with_test_commands(outage: Outage) -> Registry:
    registry = registry_for(CONTENT)
    commands = (
        Command("fail", ANYONE, _fail),
        Command("fail", ANYBODY, _fail, where="group"),
        Command("outage", ANYONE, outage),
    )
    registry.add(Feature("failures", commands=commands))
    return registry


@pytest.fixture
def outage() -> Outage:
    return Outage()


@pytest.fixture
def failing_chat(db: Database, clock: Clock, outage: Outage) -> ChatService:
    return ChatService(db, CONTENT, "America/Lima", clock, registry=with_test_commands(outage))


async def her_answers(db: Database, telegram_id: int) -> list[object]:
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(telegram_id)
        assert person is not None
        run = await uow.runs.active_for(person.id)
        assert run is not None, "her reflection is still going"
        return [answer.value for answer in await uow.answers.for_runs([run.id])]


async def test_her_own_error_is_answered_in_her_language_once_and_her_answers_are_kept(db, failing_chat):
    ana = Client(failing_chat, db, 1, "Ana", "en")  # her app is in English; she chose Spanish
    await join(ana, await make_invite(db, "home_visitor", "North"), "Español")
    await ana.send("/reflect")
    await ana.press("Ayer")
    await ana.send("La madre lloró cuando llegué.")
    before = await her_answers(db, 1)
    await ana.new()

    replies = await ana.send("/fail")
    assert [reply.params["text"] for reply in replies] == [SORRY_ES]
    assert await ana.new() == [SORRY_ES]
    assert ana.last_update is not None
    assert await failing_chat.handle(ana.last_update) == []  # handled: not apologised for twice
    assert await ana.new() == []
    assert len(before) == 2 and await her_answers(db, 1) == before


async def test_in_a_group_nothing_is_said_there_and_only_someone_in_circlebot_hears_privately(
    db, failing_chat
):
    ana = Client(failing_chat, db, 1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    for update_id, (telegram_id, name) in enumerate([(1, "Ana"), (2, "Bea")], start=9000):
        incoming = Incoming(
            update_id,
            -100,
            Sender(telegram_id, name, None, "en"),
            private=False,
            command="fail",
            group=GroupFacts(),
        )
        await failing_chat.handle(incoming)
    assert await ana.new() == [SORRY_EN]
    assert [m.chat_id for m in await outbox(db) if m.text == SORRY_EN] == [1]  # not the group, not Bea


async def test_a_store_error_holds_the_update_until_the_store_answers_then_it_is_answered_once(
    db, failing_chat, outage
):
    ana = Client(failing_chat, db, 1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    heard: list[object] = []

    async def went_down() -> None:
        heard.append("down")

    async def came_back() -> None:
        heard.append(await ana.new())  # what she was told while the store was down

    failing_chat.outage.observe(went_down, came_back)
    replies = await ana.send("/outage")  # its connection breaks: held, then done again
    assert outage.broken and heard == ["down", []]
    assert [reply.params["text"] for reply in replies] == [NOTHING_ACTIVE]
    assert await ana.new() == [NOTHING_ACTIVE]
    assert ana.last_update is not None
    assert await failing_chat.handle(ana.last_update) == []  # done once: a repeat changes nothing


async def test_an_answer_in_a_failing_statement_never_reaches_the_log(db, chat, caplog):
    ana = Client(chat, db, 1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.press("Yesterday")
    await ana.new()
    await refuse_answers_containing(db, "zebra")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # it keeps itself at WARNING otherwise

    await ana.send("The zebra in the family's picture book made the baby laugh.")

    assert await ana.new() == [SORRY_EN]
    assert ana.last_update is not None
    said = [record.getMessage() for record in caplog.records]
    assert f"update {ana.last_update.update_id} failed (IntegrityError)" in said
    for record in caplog.records:
        logged = [record.getMessage(), repr(record.args)]
        if record.exc_info:
            logged.append(logging.Formatter().formatException(record.exc_info))
        assert not any("zebra" in line for line in logged), record.getMessage()
    assert not [m for m in await outbox(db) if "zebra" in m.text]
