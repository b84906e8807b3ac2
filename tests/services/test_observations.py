"""An observation from /observe to the follow-up of its next step, through the chat use case
(issue 25): the supervisor scores item by item, stops and goes on, gives strengths, one growth
area and a next step; the person observed reads them in that order, replies, reflects on it, and
is asked at the date how it went; her answer reaches the supervisor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from flows.checklist import Item
from services.core.clock import Timekeeper
from services.features import registry_for
from store.database import Database
from store.models import Answer
from store.observations import Observation
from tests.services.harness import CONTENT, Client, Clock, join, make_invite

LIMA = "America/Lima"
HOME_VISIT_ITEMS = [item for _, item in CONTENT.checklists["home_visit"].items()]


@pytest.fixture
def client(chat, db):
    def make(telegram_id: int, name: str, language_code: str = "en") -> Client:
        return Client(chat, db, telegram_id, name, language_code)

    return make


@pytest.fixture
def timekeeper(db: Database) -> Timekeeper:
    return Timekeeper(db, CONTENT, LIMA, registry=registry_for(CONTENT))


async def team(db: Database, client) -> tuple[Client, Client, Client]:
    marta = client(10, "Marta")
    await join(marta, await make_invite(db, "supervisor", "North"))
    ana, caro = client(1, "Ana"), client(2, "Caro")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await join(caro, await make_invite(db, "home_visitor", "North"))
    for person in (marta, ana, caro):
        await person.new()
    return marta, ana, caro


async def score(marta: Client, items: list[Item], level: str = "3") -> None:
    """Each item as the observer would: a level, Yes, or a count; a note where one is asked."""
    for item in items:
        kind = item.answer.type
        await (
            marta.press(level)
            if kind == "scale"
            else marta.press("Yes")
            if kind == "seen"
            else marta.send("2")
        )
        asked = (await marta.new())[-1]
        if asked.startswith("A note on this item"):
            await (marta.press("Skip") if item.note == "optional" else marta.send("Followed L.'s lead well"))
            await marta.new()


async def test_an_observation_from_observe_to_the_follow_up_of_its_next_step(
    db, client, clock: Clock, timekeeper
):
    marta, ana, caro = await team(db, client)

    await marta.send("/observe")
    assert (await marta.new())[-1] == "Whom did you observe? Choose someone of your team."
    await marta.press("Ana")
    assert (await marta.new())[
        -1
    ] == "Ana has not been observed yet. Choose a checklist to start an observation."
    await marta.press("Home-visit observation")
    said = await marta.new()
    assert said[0] == "Observation of Ana: Home-visit observation."
    assert said[-1].startswith("The relationship with the caregiver · 1 of 15")

    await score(marta, HOME_VISIT_ITEMS[:4])  # four items, then she stops
    await marta.send("/cancel")
    assert (
        "Your observation of Ana is kept where you stopped: /observe goes on with it."
        in (await marta.new())[-1]
    )

    await marta.send("/observe")
    await marta.new()
    await marta.press("Go on with Ana")
    said = await marta.new()
    assert said[0] == "Observation of Ana: Home-visit observation."
    assert "5 of 15" in said[-1]  # where she stopped, the four scores kept

    await score(marta, HOME_VISIT_ITEMS[4:])
    await marta.send("Warm welcome: Ana asked about the baby's week first.\nShe let L. lead the play.")
    await marta.send("Give the caregiver one idea at a time.")
    await marta.send("At the next two visits, one suggestion only, then wait.")
    await marta.send("20/12/2026")
    said = await marta.new()
    assert said[-2].startswith("Here are your answers:")  # to check, and /back to change
    assert said[-1].startswith("Sent to Ana: the strengths, the growth area and the next step. On 20 Dec")

    feedback = (await ana.new())[-1]
    strengths = feedback.index(
        "What you did well:\n• Warm welcome: Ana asked about the baby's week first.\n• She let"
    )
    growth = feedback.index("One area to grow:\nGive the caregiver one idea at a time.")
    step = feedback.index("The next step you agreed on, by 20 Dec:\nAt the next two visits")
    assert feedback.startswith("Marta observed your practice on 24 Nov (Home-visit observation).")
    assert strengths < growth < step
    assert await caro.new() == []  # never a peer

    await ana.press("Reply to Marta")
    assert await ana.new() == ["Write your reply to Marta:"]
    await ana.send("Thank you, I will try waiting longer.")
    assert await ana.new() == ["Your reply was sent to Marta."]
    assert await marta.new() == [
        "Ana replied to your observation of 24 Nov:\n\nThank you, I will try waiting longer."
    ]

    await ana.send("/reflect")
    opening = await ana.new()
    assert opening[0].startswith("This reflection starts from Marta's observation on 24 Nov.")
    await ana.send("/cancel")
    await ana.new()

    async with db.unit_of_work() as uow:
        ana_row = await uow.people.get_by_telegram_id(1)
        assert ana_row is not None
        [observation] = await uow.observations.sent_to(ana_row.id)
        assert observation.scores["warm_welcome"] == 3 and observation.run_id is None
        left = await uow.session.scalars(select(Answer).where(Answer.flow_id == "observe_home_visit"))
        assert list(left) == []  # the observer's run went with its answers: the row is their one home
        due = observation.follow_up_at
    assert due is not None and due.isoformat() == "2026-12-20T15:00:00+00:00"  # 10:00 in Lima

    clock.now = due
    await timekeeper.tick(clock.now)
    asked = await ana.new()
    assert asked == [
        "On 24 Nov you and Marta agreed on a next step:\nAt the next two visits, one suggestion only, then wait.\n\nDid you try it?"
    ]
    await ana.press("Partly")
    assert await ana.new() == ["How did it go? A few words for Marta:"]
    await ana.send("Once: the mother tried the game alone.")
    assert await ana.new() == ["Thank you: Marta will read it."]
    told = await marta.new()
    assert told == [
        "Ana on the next step from your observation of 24 Nov:\nAt the next two visits, one suggestion only, "
        "then wait.\n\nTried it: Partly\nOnce: the mother tried the game alone."
    ]
    await timekeeper.tick(clock.now)
    assert await ana.new() == []  # asked once


async def test_a_supervisor_of_another_team_can_observe_no_one_of_this_one(db, client):
    await team(db, client)
    sofia = client(20, "Sofia")
    await join(sofia, await make_invite(db, "supervisor", "South"))
    await sofia.new()
    async with db.unit_of_work() as uow:
        ana_id = (await uow.people.get_by_telegram_id(1)).id
    await sofia.press_data(f"obp:{ana_id}")
    assert await sofia.new() == ["This button has expired."]
    await sofia.send("/observe")
    assert await sofia.new() == [
        "No one in your team can be observed with a checklist yet. /invite gives you a link for them."
    ]
    async with db.unit_of_work() as uow:
        assert await uow.session.get(Observation, 1) is None


async def test_an_observation_finished_after_she_left_the_team_waits_and_goes_when_she_is_back(db, client):
    marta, ana, _ = await team(db, client)
    await marta.send("/observe")
    await marta.press("Ana")
    await marta.press("Home-visit observation")
    await marta.new()
    await score(marta, HOME_VISIT_ITEMS)
    for text in ("Asked about the week first.", "One idea at a time.", "One suggestion per visit."):
        await marta.send(text)
    await marta.new()

    async def move(team_name: str) -> None:
        async with db.unit_of_work() as uow:
            person = await uow.people.get_by_telegram_id(1)
            found, _ = await uow.teams.get_or_create(team_name, datetime(2026, 11, 24, tzinfo=UTC))
            assert person is not None
            await uow.people.move(person, found)
            await uow.commit()

    await move("South")
    await marta.send("20/12/2026")
    assert (await marta.new())[-1] == "Ana is no longer in your team, so this observation was not sent."
    assert await ana.new() == []
    await move("North")
    await marta.send("/observe")
    await marta.new()
    await marta.press("Go on with Ana")
    assert (await marta.new())[-1].startswith("By when?")  # the last question again, nothing lost
    await marta.send("21/12/2026")
    assert (await marta.new())[-1].startswith("Sent to Ana")
    assert (await ana.new())[-1].startswith("Marta observed your practice")
