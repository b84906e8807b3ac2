"""What a flow tells her about who sees her answers, through the chat use case on SQLite and
PostgreSQL (issue 21, item 4): the flow's description when it starts (once, not again when a
restarted service goes on with the run), words that never say she shared what she kept, and the
check-in's promise held by what her supervisor is actually sent."""

import pytest

from services.core.clock import Timekeeper
from services.core.dispatch import ChatService
from services.features import registry_for
from store.database import Database
from tests.services.harness import CONTENT, Client, description, join, make_invite, reflect_up_to_sharing

LIMA = "America/Lima"
WIN, CHALLENGE = "A family came back to the group.", "Too many visits on one day."


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


@pytest.fixture
def keeper(db: Database) -> Timekeeper:
    return Timekeeper(
        db, CONTENT, LIMA, render=lambda summary: b"\x89PNG chart", registry=registry_for(CONTENT)
    )


async def person(db: Database, chat: ChatService, name: str, role: str = "home_visitor") -> Client:
    client = Client(chat, db, telegram_id=8000 + sum(map(ord, name)), name=name)
    await join(client, await make_invite(db, role, "North"))
    return client


async def test_a_flow_says_who_sees_its_answers_as_it_starts_and_not_again_after_a_restart(db, chat, clock):
    ana = await person(db, chat, "Ana")
    await ana.send("/reflect")
    opening = await ana.new()
    assert opening[0] == description("rios_reflection")
    assert "only if you choose to share" in opening[0]
    assert opening[-1].startswith("When was the visit?")
    await ana.press("Yesterday")
    restarted = Client(
        ChatService(db, CONTENT, LIMA, clock, registry=registry_for(CONTENT)), db, ana.telegram_id, "Ana"
    )
    restarted.seen = ana.seen
    await restarted.send("The mother cried when I arrived and the baby watched her.")
    await restarted.send("/back")
    await restarted.send("The mother cried when I arrived.")
    said = await restarted.new()
    assert said[-1].startswith("How did you feel in that moment"), "the run went on where it stood"
    assert description("rios_reflection") not in said


async def test_choosing_not_to_share_is_never_answered_with_what_she_shared(db, chat):
    marta = await person(db, chat, "Marta", role="supervisor")
    ana = await person(db, chat, "Ana")
    await ana.send("/reflect")
    await reflect_up_to_sharing(ana)
    await ana.new()
    await ana.press("No")
    said = await ana.new()
    assert said[0].startswith(say("summary.header")) and "Babies watch their parents' feelings." in said[0]
    assert [text for text in said if "shared" in text] == [], "she kept it: nothing says she shared it"
    assert said[-1] == say("share.kept_private")
    assert await marta.new() == []


async def test_the_checkin_says_her_supervisor_sees_scores_and_support_requests_and_that_is_all_she_gets(
    db, chat, clock, keeper
):
    sara = await person(db, chat, "Sara", role="supervisor")
    ana = await person(db, chat, "Ana")
    await ana.send("/checkin")
    told, question = await ana.new()
    assert told == description("weekly_checkin") and question.startswith("How are you feeling")
    assert "wellbeing and workload scores" in told and "whether you asked for support" in told
    assert "never what you write" in told and "sees your answers" not in told
    await ana.press("4")
    await ana.press("2")
    await ana.send(WIN)
    await ana.send(CHALLENGE)
    await ana.press("Yes")
    [alert] = await sara.new()
    assert "• Support requested: Yes" in alert
    await sara.send("/summary")
    await keeper.tick(clock.now)
    pages = await sara.new()
    assert any(
        "• Ana — ✓ checked in\n  wellbeing 4" in page and "asked for support" in page for page in pages
    )
    sent = [message.text + str(message.params.get("caption", "")) for message in await sara.messages()]
    assert not [text for text in sent if WIN in text or CHALLENGE in text], "her own words reach no one"
