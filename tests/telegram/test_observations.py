"""An observation through the real PTB Application and the Bot API fake (issue 25), with a
supervisor and two home visitors: /observe, scoring item by item with buttons, stopping and
going on after the bot restarted, the feedback reaching Ana strengths first (and Caro, her peer,
nothing), her reply, and at the next step's date the follow-up, whose answer reaches Marta."""

from datetime import UTC, datetime

from store.database import Database
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.services.harness import Clock
from tests.telegram.conftest import invite, running
from tests.telegram.test_end_to_end import join

FOLLOW_UP = datetime(2026, 12, 20, 15, tzinfo=UTC)  # 10:00 in Lima on the next step's day


async def until(user: FakeUser, start: str) -> str:
    """Her messages up to the first that starts with `start`: that one."""
    while True:
        for text in await user.replies():
            if text.startswith(start):
                return text


async def score(marta: FakeUser, question: str, items: int) -> str:
    """`items` items answered as they come (a level, yes, a count; a note where one is asked);
    the question after them."""
    for _ in range(items):
        if "Not seen" in str(marta.messages[-1].get("reply_markup")):
            await marta.press("Yes")
        elif "1 – " in str(marta.messages[-1].get("reply_markup")):
            await marta.press("2 – ")  # below "mostly": a note is asked where the item says so
        else:
            await marta.send("3")
        [question] = await marta.replies()
        if question.startswith("A note on this item"):
            await marta.send("L. looked away when the book came out.")
            [question] = await marta.replies()
    return question


async def test_an_observation_from_observe_to_its_follow_up_through_telegram(
    fake: FakeBotApi, store: Database, database_url: str
):
    clock = Clock()  # Tuesday 24 November
    marta, ana, caro = fake.user(10, "Marta"), fake.user(1, "Ana"), fake.user(2, "Caro")
    async with running(fake, store, database_url, clock):
        await join(marta, await invite(store, "supervisor", "North"))
        code = await invite(store, "home_visitor", "North", uses=2)
        await join(ana, code)
        await join(caro, code)
        caro_had = len(caro.messages)

        await marta.send("/observe")
        assert await marta.replies() == ["Whom did you observe? Choose someone of your team."]
        await marta.press("Ana")
        await marta.replies()
        await marta.press("Home-visit observation")
        starting, _, first = await marta.replies(3)
        assert starting == "Observation of Ana: Home-visit observation."
        assert first.startswith("The relationship with the caregiver · 1 of 15")
        fourth = await score(marta, first, 3)
        assert "4 of 15" in fourth
        await marta.send("/cancel")
        assert (await until(marta, "Your observation of Ana is kept")).endswith("/observe goes on with it.")

    async with running(fake, store, database_url, clock):  # the bot restarted in between
        await marta.send("/observe")
        await marta.replies()
        await marta.press("Go on with Ana")
        _, again = await marta.replies(2)
        assert "4 of 15" in again  # where she stopped
        strengths = await score(marta, again, 12)
        assert strengths.startswith("Strengths first")
        for text in (
            "Asked about the family's week before anything else.\nLet L. lead the play.",
            "One suggestion at a time, then wait.",
            "Next two visits: one suggestion only, then count to ten.",
        ):
            await marta.send(text)
            await marta.replies()
        await marta.send("20/12/2026")
        sent = await until(marta, "Sent to Ana")
        assert "On 20 Dec I will ask how the next step went" in sent
        [feedback] = await ana.replies()
        order = [
            feedback.index("What you did well:\n• Asked about the family's week"),
            feedback.index("One area to grow:\nOne suggestion at a time, then wait."),
            feedback.index("The next step you agreed on, by 20 Dec:\nNext two visits"),
        ]
        assert order == sorted(order) and feedback.startswith("Marta observed your practice on 24 Nov")

        await ana.press("Reply to Marta")
        assert await ana.replies() == ["Write your reply to Marta:"]
        await ana.send("Thank you. Counting to ten will be hard, I will try.")
        assert await ana.replies() == ["Your reply was sent to Marta."]
        assert await marta.replies() == [
            "Ana replied to your observation of 24 Nov:\n\nThank you. Counting to ten will be hard, I will try."
        ]

    clock.now = FOLLOW_UP
    async with running(fake, store, database_url, clock):
        [asked] = await ana.replies()
        assert asked.startswith("On 24 Nov you and Marta agreed on a next step:\nNext two visits")
        await ana.press("Partly")
        assert await ana.replies() == ["How did it go? A few words for Marta:"]
        await ana.send("Twice I waited; the mother found the game herself.")
        assert await ana.replies() == ["Thank you: Marta will read it."]
        [told] = await marta.replies()
        assert told.startswith("Ana on the next step from your observation of 24 Nov:")
        assert told.endswith("Tried it: Partly\nTwice I waited; the mother found the game herself.")
    assert len(caro.messages) == caro_had, "nothing of Ana's observation reaches her peer"
