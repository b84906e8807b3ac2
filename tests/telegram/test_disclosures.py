"""She knows what is shared, with whom (issue 21): the joining notice has a line for every kind
of disclosure the features declare, in her language; a message that carries one person's data to
someone else is stored with its kind and whose data it is; one to herself carries none."""

import asyncio

import pytest
from sqlalchemy import select

from services.features import registry_for
from store.database import Database
from store.models import OutboxMessage, Person
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_end_to_end import join, reflect

KINDS = registry_for(CONTENT).disclosures


@pytest.mark.parametrize(("lang", "agree"), [("en", "I agree"), ("es", "Estoy de acuerdo")])
async def test_the_joining_notice_names_every_kind_of_disclosure(fake, store, database_url, lang, agree):
    async with running(fake, store, database_url):
        ana = fake.user(1, "Ana", lang)
        await ana.send(f"/start {await invite(store, 'home_visitor', 'North')}")
        [notice] = await ana.replies()
    catalog = CONTENT.catalog
    missing = [kind.id for kind in KINDS if catalog.say(lang, kind.notice) not in notice]
    assert missing == [], "each kind is a line of the notice"
    assert "nothing is shared in groups" not in notice.lower()
    assert catalog.say(lang, "disclosure.heading") in notice and agree not in notice  # (a button)
    assert catalog.say(lang, "onboarding.your_data") in notice, "she learns how to see, take and erase it"
    assert "/mydata" in notice and "/forget" in notice


async def rows(store: Database) -> list[OutboxMessage]:
    async with store.unit_of_work() as uow:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def people(store: Database) -> dict[str, int]:
    async with store.unit_of_work() as uow:
        found = await uow.session.execute(select(Person.name, Person.id))
        return {name: person_id for name, person_id in found}


async def a_team_that_reflected(fake: FakeBotApi, store: Database) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Marta supervises North; Ana and Caro joined it and reflected: Ana shared, Caro did not."""
    marta = fake.user(10, "Marta")
    await join(marta, await invite(store, "supervisor", "North"))
    code = await invite(store, "home_visitor", "North", uses=2)
    ana, caro = fake.user(1, "Ana"), fake.user(3, "Caro")
    await asyncio.gather(join(ana, code), join(caro, code))
    await asyncio.gather(reflect(ana, share=True), reflect(caro, share=False))
    return marta, ana, caro


async def test_a_shared_reflection_and_the_reply_are_stored_with_their_kind_and_whose_they_are(
    fake: FakeBotApi, store: Database, database_url: str
):
    async with running(fake, store, database_url):
        marta, ana, _ = await a_team_that_reflected(fake, store)
        await marta.replies()
        await marta.press("Reply to Ana")
        await marta.replies()
        await marta.send("Thank you, Ana.")
        await ana.replies()
    ids = await people(store)
    found = await rows(store)
    told = {(row.chat_id, row.disclosure, tuple(row.about_people or ())) for row in found if row.disclosure}
    assert told == {(10, "shared_reflection", (ids["Ana"],)), (1, "supervisor_reply", (ids["Marta"],))}
    reflection = [row for row in found if row.chat_id == 10 and "Ana shared a reflection" in str(row.payload)]
    assert [row.disclosure for row in reflection] == ["shared_reflection"]


async def test_a_supervisors_bulletin_carries_her_name_as_its_kind(
    fake: FakeBotApi, store: Database, database_url: str
):
    """A bulletin sent from the chat reaches her team with her name: that is a disclosure, named
    in her notice, stored with its kind on every message of it (the walk after the test checks
    every message it sent)."""
    async with running(fake, store, database_url):
        marta = fake.user(10, "Marta")
        await join(marta, await invite(store, "supervisor", "North"))
        ana = fake.user(1, "Ana")
        await join(ana, await invite(store, "home_visitor", "North"))
        await marta.send("/bulletin")
        await marta.replies()
        await marta.send("Team meeting on Thursday at ten.")
        await marta.replies(3)  # this is how it looks, the preview, and the question
        await marta.press(CONTENT.catalog.say("en", "button.send_now"))
        [bulletin] = await ana.replies()
        assert "Marta" in bulletin and "Team meeting on Thursday at ten." in bulletin
    ids = await people(store)
    sent = [row for row in await rows(store) if row.bulletin_id is not None]
    assert [(row.disclosure, row.about_people) for row in sent] == [("bulletin_author", [ids["Marta"]])]
