"""/settings: her own timezone, with the closest real names when she misspells one."""

import pytest

from services.core.dispatch import ChatService
from services.features import registry_for
from store.database import Database
from tests.services.harness import CONTENT, Client, Clock, join, make_invite


@pytest.fixture
async def ana(db: Database) -> Client:
    chat = ChatService(db, CONTENT, "America/Lima", Clock(), registry=registry_for(CONTENT))
    person = Client(chat, db, 1, "Ana")
    await join(person, await make_invite(db, "home_visitor", "North"))
    return person


async def her_timezone(db: Database) -> str | None:
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None
        return person.timezone


async def test_she_sets_her_timezone_by_name_or_by_city(db, ana):
    await ana.send("/settings")
    assert (await ana.new())[0].startswith("Your time zone is America/Lima.")
    await ana.send("africa/nairobi")
    assert await ana.new() == ["Done: your time zone is now Africa/Nairobi."]
    assert await her_timezone(db) == "Africa/Nairobi"
    await ana.send("/settings")
    await ana.send("Sao Paulo")
    assert (await ana.new())[-1] == "Done: your time zone is now America/Sao_Paulo."


async def test_a_misspelt_timezone_gets_the_closest_names_to_pick_from(db, ana):
    await ana.send("/settings")
    await ana.send("America/Lma")
    said = await ana.messages()
    assert said[-1].text == "I do not know that time zone. Did you mean one of these?"
    assert said[-1].buttons[0][0] == "America/Lima"
    await ana.press("America/Lima")
    assert (await ana.new())[-1] == "Done: your time zone is now America/Lima."
    assert await her_timezone(db) == "America/Lima"


async def test_nonsense_is_explained_and_cancel_keeps_the_old_one(db, ana):
    await ana.send("/settings")
    await ana.send("qqqqqq")
    await ana.send("/cancel")
    assert (await ana.new())[-2:] == [
        "I do not know that time zone. Please write it like America/Lima, or the name of a big city near you.",
        "Your time zone stays America/Lima.",
    ]
    assert await her_timezone(db) is None
    await ana.press_data("tz:Not/AZone")
    assert (await ana.new())[-1] == "This button has expired."


async def test_she_sets_her_own_quiet_hours_and_impossible_ones_are_explained(db, ana):
    await ana.send("/settings")
    assert "Your quiet hours, when I send nothing scheduled, are 20:00–07:00." in (await ana.new())[0]
    await ana.send("25:00-06:00")
    assert await ana.new() == [
        "Please write the quiet hours as two times of day, like 21:00-06:30 (from 21:00 in the evening to 06:30 in the morning)."
    ]
    await ana.send("22.30 – 6.15")
    assert await ana.new() == [
        "Done: your quiet hours are now 22:30–06:15. Scheduled messages due then will wait until they end."
    ]
    await ana.send("/settings")
    assert "are 22:30–06:15." in (await ana.new())[0]
    assert await her_timezone(db) is None, "the time zone is untouched"
