"""Learning circles in a Telegram group, through the real PTB Application and its JobQueue over
HTTP against the Bot API fake, on a controllable clock: a facilitator and four members (one of
whom never joined circlebot privately) run a case consultation from the day-before reminder to
the commitment's follow-up and the next session's look-back."""

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import Wired
from flows.schedules import Schedules
from store.database import Database
from store.statuses import SessionStatus
from tests.fakebotapi import FakeBotApi, FakeGroup, FakeUser, Limits
from tests.services.harness import Clock
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_end_to_end import join

CIRCLES_ONLY = dataclasses.replace(CONTENT, schedules=Schedules(quiet_hours=CONTENT.schedules.quiet_hours))
MONDAY_NOON = datetime(2026, 11, 23, 17, tzinfo=UTC)  # 12:00 in Lima; the circle meets Tuesdays 15:00
TUESDAY_3PM = datetime(2026, 11, 24, 20, tzinfo=UTC)
GROUP = -1001234


def say(key: str, **fields: object) -> str:
    return CONTENT.catalog.say("en", key, **fields)


def start(key: str) -> str:
    """The fixed words a message begins with (before its first placeholder)."""
    return say(key).split("{")[0]


async def settle(fake: FakeBotApi) -> None:
    """Until the bot has stopped talking for a moment."""
    while True:
        seen = len(fake.calls)
        await asyncio.sleep(0.25)
        if len(fake.calls) == seen:
            return


def said(user: FakeUser | FakeGroup, words: str, times: int = 1) -> Callable[[], bool]:
    return lambda: sum(words in str(m.get("text", "")) for m in user.messages) >= times


async def wait_for(fake: FakeBotApi, where: FakeUser | FakeGroup, words: str, times: int = 1) -> None:
    """Until the bot has said `words` there (`times` times in all)."""
    try:
        await fake.wait_until(said(where, words, times), 15)
    except TimeoutError:
        raise AssertionError(
            f"{words!r} never came; the last: {[(m.get('text'), m.get('reply_markup')) for m in where.messages[-2:]]}"
        ) from None


def texts(where: FakeUser | FakeGroup) -> str:
    return "\n".join(str(m.get("text", "")) for m in where.messages)


async def tick(bot: Wired, fake: FakeBotApi) -> None:
    """The clock's work at the test's time, done before this returns (a tick the bot was
    already running finishes first: the timekeeper takes one at a time), and what it queued
    sent (not waiting for the sending loop's next look)."""
    await bot.clockwork.tick()
    while await bot.sender.drain():
        await settle(fake)
    await settle(fake)


async def people(fake: FakeBotApi, store: Database) -> tuple[FakeUser, list[FakeUser]]:
    fatima = fake.user(501, "Fatima")
    await join(fatima, await invite(store, "facilitator", "North"))
    members = [fake.user(510 + k, name) for k, name in enumerate(("Ana", "Beto", "Carla"))]
    code = await invite(store, "home_visitor", "North", uses=3)
    for member in members:
        await join(member, code)
    return fatima, members


async def make_circle(fake: FakeBotApi, fatima: FakeUser, group: FakeGroup) -> None:
    """/circle in the group, then the private set-up: name, language, sessions, day, time."""
    await fatima.say(group, "/circle")
    await wait_for(fake, fatima, start("circle.ask_name"))
    await fatima.send("North district circle")
    await wait_for(fake, fatima, say("circle.ask_language"))
    await fatima.press("English")
    await wait_for(fake, fatima, say("circle.ask_set"))
    await fatima.press("Case consultation")
    await wait_for(fake, fatima, say("circle.ask_day"))
    await fatima.press("Tuesday")
    await wait_for(fake, fatima, start("circle.ask_time"))
    await fatima.send("15:00")
    await wait_for(fake, group, start("circle.ready"))
    await wait_for(fake, fatima, start("circle.set_up"))  # hers goes in her own chat's lane


async def circle_with(
    fake: FakeBotApi, store: Database, joined: int, chat_id: int = GROUP, basic: bool = False
) -> tuple[FakeUser, list[FakeUser], FakeGroup]:
    """A circle made by Fatima in a group (a supergroup, or a `basic` one) where the first
    `joined` members tapped Join."""
    fatima, members = await people(fake, store)
    group = fake.group(chat_id, "North visitors", basic)
    group.creator(fatima)
    for member in members[:joined]:
        await group.join(member)
    await group.add_bot(fatima)
    await make_circle(fake, fatima, group)
    for member in members[:joined]:
        await member.press_in(group, say("circle.button.join"))
        await wait_for(fake, member, start("circle.welcome"))
    return fatima, members, group


async def circle_state(store: Database) -> tuple[Any, Any]:
    async with store.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        sessions = (
            []
            if circle is None
            else await uow.circles.sessions_with(circle.id, (SessionStatus.OPEN, SessionStatus.PAUSED))
        )
    return circle, (sessions[0] if sessions else None)


async def test_a_case_consultation_runs_from_reminder_to_follow_up(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    clock.now = MONDAY_NOON
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, beto, carla) = await people(fake, store)
        sara = fake.user(520, "Sara")  # the team's supervisor
        await join(sara, await invite(store, "supervisor", "North"))
        diego = fake.user(599, "Diego")  # in the group, never in circlebot
        group = fake.group(GROUP, "North visitors")
        group.creator(fatima)
        for person in (ana, beto, carla, diego):
            await group.join(person)
        await group.add_bot(fatima)
        await make_circle(fake, fatima, group)
        assert said(fatima, "first meeting is Tuesday 24 Nov, 15:00")()
        assert texts(group).count(start("circle.setting_up")) == 1  # the questions went privately

        for member in (ana, beto, carla):
            await member.press_in(group, say("circle.button.join"))
            await wait_for(fake, member, start("circle.welcome"))
        await diego.press_in(group, say("circle.button.join"))
        await fake.wait_until(lambda: "start=" in str(fake.button_answers[-1].get("url")), 15)
        assert fake.button_answers[-1]["text"] == say("circle.join_first")

        # The day before: the group and each member privately, with RSVP buttons.
        clock.now = TUESDAY_3PM - timedelta(days=1)
        await tick(bot, fake)
        assert start("circle.reminder_day") in texts(group)
        await ana.press(say("circle.button.attending"))
        await carla.press(say("circle.button.cant"))
        await wait_for(fake, carla, start("circle.rsvp_no"))
        clock.now = TUESDAY_3PM - timedelta(hours=1)
        await tick(bot, fake)
        assert "Coming: Ana. Can't: Carla. No answer: Beto." in texts(fatima)

        # At its time the session opens by itself, with the look-back.
        clock.now = TUESDAY_3PM
        await tick(bot, fake)
        await wait_for(fake, group, "Look back ·")
        await ana.say(group, "Last week I asked the mother what she already does at bath time.")
        await diego.say(group, "Hello everyone")  # counted, nothing kept

        await fatima.say(group, "/next")  # cases are proposed privately
        await wait_for(fake, beto, start("circle.private_prompt"))
        await beto.send("A father who is never home at visit time")
        await ana.send("A toddler who refuses new food")
        for member in (beto, ana):  # each title is shown back to its owner, who puts it to the vote
            await wait_for(fake, member, start("circle.case_check"))
            await member.press(say("circle.button.case_confirm"))
            await wait_for(fake, member, start("circle.case_noted"))

        await beto.say(group, "/next")  # not the facilitator: nothing moves
        await wait_for(fake, beto, say("circle.only_facilitator"))
        await fatima.press_in(group, say("circle.button.next"))  # the vote
        await wait_for(fake, group, "Choose a case ·")
        await ana.press_in(group, "A father who is never home")
        await beto.press_in(group, "A father who is never home")
        await diego.press_in(group, "A toddler")
        await settle(fake)
        assert fake.button_answers[-1]["text"] == say("circle.join_to_vote")

        await fatima.say(group, "/next")  # the case owner describes it
        await wait_for(
            fake, group, say("circle.case_chosen", title="A father who is never home at visit time")
        )
        await wait_for(fake, beto, start("circle.your_case"))
        described = await beto.say(group, "He works at the mine; the mother does the visits alone.")
        await beto.edit(group, described, "He works shifts; the mother does the visits alone.")
        await beto.send_voice_to(group, "VOICE-1")

        await fatima.say(group, "/next")  # questions
        clock.now += timedelta(minutes=11)
        await tick(bot, fake)
        await wait_for(fake, fatima, start("circle.overrun"))

        await fatima.say(group, "/next")  # perspectives, with a private reflection
        await wait_for(fake, ana, start("circle.private_prompt"), times=2)
        await ana.send("The child may feel the father's absence too.")
        await wait_for(fake, ana, say("circle.share_reflection"))
        await ana.press(say("circle.share.name"))
        await wait_for(fake, group, "• Ana: The child may feel the father's absence too.")
        await fatima.say(group, "/pause")
        await wait_for(fake, group, say("circle.paused"))
        await fatima.say(group, "/session")
        await fatima.say(group, "/next")  # advice
        await fatima.say(group, "/next")  # the case owner commits
        await wait_for(fake, beto, "What one small thing will you try")
        await beto.send("I will call the father on Sunday and ask what time suits him.")
        await wait_for(fake, beto, say("circle.share_commitment"))
        await beto.press(say("circle.share.name"))
        await fatima.say(group, "/prev")
        await fatima.say(group, "/next")  # back and forth: her private prompt is not asked twice
        await settle(fake)
        assert texts(beto).count(start("circle.private_prompt")) == 3
        await fatima.say(group, "/end")
        await wait_for(fake, group, start("circle.recap"))
        await tick(bot, fake)  # what the end queued for everyone privately

        recap = next(m["text"] for m in group.messages if str(m.get("text", "")).startswith("Recap"))
        assert "• Beto: I will call the father on Sunday" in recap
        assert "A father who is never home" not in recap  # the case stays in the session
        assert "• Look back: 2 contributions" in recap  # Ana's and Diego's, Diego counted only
        assert start("circle.recap") in texts(carla)  # absent: the recap reaches her privately
        assert start("circle.recap") not in texts(ana)
        for member in (ana, beto, carla):
            assert start("circle.rate") in texts(member)
        report = texts(fatima)
        assert say("circle.report_attended", count=2, names="Ana, Beto") in report
        assert say("circle.report_excused", count=1, names="Carla") in report
        assert say("circle.report_uncounted", count=1) in report
        await ana.press("4")
        await wait_for(fake, ana, start("circle.rated"))
        await ana.send("The round of questions helped me most.")
        await wait_for(fake, ana, say("circle.comment_thanks"))

        async with store.unit_of_work() as uow:
            circle = await uow.circles.by_chat(GROUP)
            assert circle is not None
            (session,) = await uow.circles.sessions_with(circle.id, (SessionStatus.ENDED,))
            mine = await uow.circles.contributions(session.id)
            strangers = await uow.people.get_by_telegram_id(diego.id)
        assert strangers is None and session.uncounted == {"0": 1}
        edited = next(c for c in mine if c.message_id == described)
        assert edited.text == "He works shifts; the mother does the visits alone." and edited.edited_at
        assert any(c.kind == "voice" and c.file_id == "VOICE-1" for c in mine)

        await sara.send("/summary")  # circle activity joins the weekly summary
        await wait_for(fake, sara, say("weekly.preparing"))
        await tick(bot, fake)
        await wait_for(fake, sara, say("circle.summary_header"))
        assert say("circle.summary_line", name="Carla", attended=0, excused=1) in texts(sara)
        assert say("circle.summary_line", name="Beto", attended=1, excused=0) in texts(sara)

        clock.now += timedelta(days=1)
        await tick(bot, fake)
        assert "1 answers, average 4.0/5" in texts(fatima)
        assert "The round of questions helped me most." in texts(fatima)

        clock.now += timedelta(days=2)
        await tick(bot, fake)
        await wait_for(fake, beto, start("circle.follow_up"))
        await beto.press(say("circle.button.tried"))
        await wait_for(fake, beto, say("circle.how_it_went_yes"))
        await beto.send("He came to the visit on Saturday.")
        await wait_for(fake, beto, say("circle.outcome_thanks"))

        clock.now = TUESDAY_3PM + timedelta(days=7)
        await tick(bot, fake)
        await wait_for(fake, group, "→ tried it: He came to the visit on Saturday.")


async def test_a_bot_that_is_not_an_admin_says_what_to_change_and_does_nothing_else(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima = fake.user(501, "Fatima")
        await join(fatima, await invite(store, "facilitator", "North"))
        group = fake.group(GROUP, "North visitors")
        group.creator(fatima)
        await group.add_bot(fatima, admin=False)
        await fatima.say(group, "/circle")
        await wait_for(fake, fatima, start("circle.make_me_admin"))
        await settle(fake)
        assert group.messages == [] and (await circle_state(store))[0] is None
        await group.promote_bot(fatima)
        await make_circle(fake, fatima, group)


@pytest.mark.parametrize(("basic", "told"), [(False, "supergroup"), (True, "group")])
async def test_the_facilitator_is_told_privately_how_the_groups_history_reaches_newcomers(
    fake: FakeBotApi, store: Database, database_url: str, basic: bool, told: str
) -> None:
    """A supergroup may show earlier sessions to people who join later: she is told to hide
    it. A basic group hides it already: she is told that showing it converts the group."""
    async with running(fake, store, database_url, Clock(), CIRCLES_ONLY):
        fatima, _, group = await circle_with(fake, store, 0, -4001234 if basic else GROUP, basic=basic)
        private = [str(m.get("text", "")) for m in fatima.messages]
        history = private.index(say(f"circle.history.{told}"))
        assert private[history + 1] == say("circle.ask_name")
        other = "group" if told == "supergroup" else "supergroup"
        assert say(f"circle.history.{other}") not in private
        assert "history" not in texts(group).lower()


async def test_only_the_facilitator_runs_the_circle_and_wrong_places_get_a_clear_answer(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, beto, _) = await people(fake, store)
        other = fake.user(502, "Olga")
        await join(other, await invite(store, "facilitator", "South"))
        diego = fake.user(599, "Diego")
        group = fake.group(GROUP, "North visitors")
        group.creator(fatima)
        for person in (ana, beto, diego, other):
            await group.join(person)
        group.make_admin(other)
        await group.add_bot(fatima)
        await ana.say(group, "/circle")  # not a facilitator: told privately
        await wait_for(fake, ana, say("circle.only_facilitators"))
        await fake.anonymous_admin_says(group, "/circle")
        await wait_for(fake, group, start("circle.speak_as_yourself"))
        assert (await circle_state(store))[0] is None
        await make_circle(fake, fatima, group)
        await other.say(group, "/circle")  # a second /circle
        await wait_for(fake, other, start("circle.already"))
        await fatima.send("/next")  # a group command in the private chat
        await wait_for(fake, fatima, say("circle.in_group", command="next"))
        await ana.press_in(group, say("circle.button.join"))
        await fatima.say(group, "/session")
        await wait_for(fake, group, "Look back ·")
        _, session = await circle_state(store)
        clock.advance(minutes=6)  # Ana's refusal and the group's are behind them
        for command in ("/next", "/prev", "/pause", "/end", "/session"):
            await ana.say(group, command)
            await other.say(group, command)  # a facilitator, but not this circle's
        await diego.say(group, "/next")  # not in circlebot: told in the group
        await wait_for(fake, group, say("circle.only_facilitator"))
        for label in ("circle.button.next", "circle.button.prev", "circle.button.pause"):
            await ana.press_in(group, say(label))
        await settle(fake)
        assert texts(ana).count(say("circle.only_facilitator")) == 1  # once in five minutes
        assert texts(other).count(say("circle.only_facilitator")) == 1
        assert [a["text"] for a in fake.button_answers[-3:]] == [say("circle.only_facilitator")] * 3
        _, now = await circle_state(store)
        assert (now.status, now.segment) == (session.status, session.segment) == ("open", 0)


async def test_the_bot_removed_pauses_the_circle_and_a_member_who_leaves_leaves_it(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, beto, _), group = await circle_with(fake, store, joined=2)
        await group.leave(beto)
        await fatima.say(group, "/session")
        await wait_for(fake, group, "Look back ·")
        await group.demote_bot(fatima)
        await wait_for(fake, fatima, start("circle.bot_demoted"))
        circle, session = await circle_state(store)
        assert circle.status == "paused" and session.status == "paused"
        await fatima.say(group, "/next")  # commands still reach a demoted bot: it explains
        await fake.wait_until(lambda: texts(fatima).count(start("circle.bot_demoted")) == 2, 15)
        await group.promote_bot(fatima)
        await wait_for(fake, fatima, start("circle.resumed"))
        await fatima.say(group, "/session")
        await fatima.say(group, "/next")
        await wait_for(fake, ana, start("circle.private_prompt"))
        await settle(fake)
        assert start("circle.private_prompt") not in texts(beto)  # she left the group
        await group.remove_bot(fatima)
        await wait_for(fake, fatima, start("circle.bot_removed"))


async def test_a_burst_of_posts_keeps_to_twenty_a_minute_in_the_group(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    """Telegram's limits and the sender's, both ×100: 26 moves in a row reach the group, none refused."""
    fake.limits = Limits(scale=100)
    fake.clock = lambda: asyncio.get_running_loop().time() * 100  # the fake's minute, ×100
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, _, group = await circle_with(fake, store, joined=1)
        await fatima.say(group, "/session")
        for _ in range(12):
            await fatima.say(group, "/next")
            await fatima.say(group, "/prev")
        await fake.wait_until(lambda: len(group.messages) >= 28, 30)
        await settle(fake)
    assert fake.throttled == 0, fake.limits.exceeded
    assert 20 >= fake.group_rate(GROUP, 60.0) >= 15  # the limit was reached, and kept


async def test_a_session_goes_on_where_it_was_after_the_bot_restarts(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        fatima, (ana, _, _), group = await circle_with(fake, store, joined=1)
        await fatima.say(group, "/session")
        await fatima.say(group, "/next")
        await wait_for(fake, ana, start("circle.private_prompt"))
    async with running(fake, store, database_url, clock, CIRCLES_ONLY):
        await ana.send("A grandmother who answers for the mother")  # her answer, after the restart
        await wait_for(fake, ana, start("circle.case_check"))
        await fatima.say(group, "/next")
        await wait_for(fake, group, "Choose a case · 3/9")
    posts = [
        str(m.get("text", "")).split(" · ")[0] for m in group.messages if " · " in str(m.get("text", ""))
    ]
    assert posts == ["Look back", "Propose a case", "Choose a case"]  # nothing lost, nothing twice
