"""Issue 18, items 5 and 6, through the real PTB Application against the Bot API fake: strangers
and members cannot spend a circle's group's posts with the facilitator's commands, a caption
edit keeps a photo's words, and what people outside the circle say is counted, never kept."""

from store.database import Database
from store.statuses import SessionStatus
from tests.fakebotapi import FakeBotApi, FakeGroup, FakeUser
from tests.services.harness import Clock
from tests.telegram.conftest import running
from tests.telegram.test_circles import (
    CIRCLES_ONLY,
    GROUP,
    circle_with,
    say,
    settle,
    start,
    texts,
    tick,
    wait_for,
)

REFUSAL = say("circle.only_facilitator")
ALREADY = start("circle.already")


def refusals_in(group: FakeGroup, after: int) -> int:
    return sum(m.get("text") == REFUSAL for m in group.messages[after:])


async def handled(fake: FakeBotApi, group: FakeGroup, fatima: FakeUser) -> None:
    """Until the bot has handled all said in the group so far (a hushed refusal answers nothing to
    wait for): the facilitator's /circle, answered privately, comes after it, and one chat's
    updates are handled in order."""
    done = texts(fatima).count(ALREADY) + 1
    await fatima.say(group, "/circle")
    await fake.wait_until(lambda: texts(fatima).count(ALREADY) >= done, 15)
    await settle(fake)


async def all_say(group: FakeGroup, people: tuple[FakeUser, ...], text: str) -> None:
    for person in people:
        await person.say(group, text)


async def test_a_flood_of_commands_costs_the_group_one_post_and_each_person_one_word(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, beto, _), group = await circle_with(fake, store, joined=2)
        dora, eli, femi = (fake.user(600 + k, name) for k, name in enumerate(("Dora", "Eli", "Femi")))
        for stranger in (dora, eli, femi):
            await group.join(stranger)  # in the group, never in circlebot
        await fatima.say(group, "/session")
        await wait_for(fake, group, "Look back ·")
        before = len(group.messages)

        for _ in range(6):  # 30 /next in a minute from three strangers and two members
            await all_say(group, (dora, eli, femi, ana, beto), "/next")
        await handled(fake, group, fatima)
        assert [m.get("text") for m in group.messages[before:]] == [REFUSAL]  # Dora's, for everyone
        assert texts(ana).count(REFUSAL) == texts(beto).count(REFUSAL) == 1  # privately, once each
        answered = len(fake.button_answers)
        await eli.press_in(group, say("circle.button.next"))  # a button: its notice, always
        await fake.wait_until(lambda: len(fake.button_answers) > answered, 15)
        assert fake.button_answers[-1]["text"] == REFUSAL
        await fatima.say(group, "/next")  # the facilitator's own command still works
        await wait_for(fake, group, "Propose a case ·")

    async with running(fake, store, database_url, clock, CIRCLES_ONLY):  # the hushes are the store's
        before = len(group.messages)
        await all_say(group, (ana, eli), "/next")
        await handled(fake, group, fatima)
        clock.advance(minutes=1, seconds=1)  # the group may hear one refusal again, not Dora
        await all_say(group, (dora, eli, femi), "/next")
        await handled(fake, group, fatima)
        assert [m.get("text") for m in group.messages[before:]] == [REFUSAL]  # Eli's
        assert texts(ana).count(REFUSAL) == 1
        clock.advance(minutes=4)  # five minutes since her refusal: Ana hears one more
        await all_say(group, (ana, ana), "/pause")
        await handled(fake, group, fatima)
        assert texts(ana).count(REFUSAL) == 2 and refusals_in(group, before) == 1


async def test_an_anonymous_admin_and_a_member_typing_commands_do_not_flood_the_group_either(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, _, _), group = await circle_with(fake, store, joined=1)
        before = len(group.messages)
        for _ in range(10):
            await fake.anonymous_admin_says(group, "/circle")
            await ana.say(group, "/circle")  # not a facilitator: privately
            await ana.say(group, "/log")  # a private command, in the group: privately
        await handled(fake, group, fatima)
        assert [m.get("text") for m in group.messages[before:]] == [say("circle.speak_as_yourself")]
        assert texts(ana).count(say("circle.only_facilitators")) == 1
        assert say("circle.private_only", command="log") not in texts(ana)  # her five minutes hold


async def test_a_caption_edit_keeps_the_words_and_what_non_members_say_is_only_counted(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, beto, carla), group = await circle_with(fake, store, joined=2)
        await group.join(carla)  # in circlebot and in the group, never tapped Join
        await group.leave(beto)  # leaving the group leaves the circle ...
        await group.join(beto)  # ... and coming back to the group does not join it again
        diego = fake.user(599, "Diego")  # not in circlebot
        await group.join(diego)
        await fatima.say(group, "/session")
        await wait_for(fake, group, "Look back ·")
        await fatima.say(group, "Welcome, everyone.")  # the facilitator's words are the circle's
        photo = await ana.send_photo_to(group, "PHOTO-1", "Our visit map")
        await ana.edit_caption(group, photo, "Our visit map, with the new street")
        await carla.say(group, "The family on the hill has a new baby.")
        await beto.say(group, "I saw the mother at the market.")
        await diego.say(group, "Hello")
        await fatima.say(group, "/end")
        await wait_for(fake, group, start("circle.recap"))
        await tick(bot, fake)  # the facilitator's report, queued

        recap = next(m["text"] for m in group.messages if str(m.get("text", "")).startswith("Recap"))
        assert "• Look back: 5 contributions" in recap  # every message counted
        assert say("circle.report_uncounted", count=3) in texts(fatima)  # Carla's, Beto's, Diego's
        async with store.unit_of_work() as uow:
            circle = await uow.circles.by_chat(GROUP)
            assert circle is not None
            (session,) = await uow.circles.sessions_with(circle.id, (SessionStatus.ENDED,))
            kept = await uow.circles.contributions(session.id)
        assert sorted((c.kind, c.text) for c in kept) == [
            ("photo", "Our visit map, with the new street"),
            ("text", "Welcome, everyone."),
        ]
        assert session.uncounted == {"0": 3}
