"""Joining a circle is not joining a team (issue 18, item 1), through the real PTB Application
over HTTP against the Bot API fake, on a controllable clock. Fatima facilitates the North
circle; Ana, Beto and Carla are North's home visitors; Sara is North's supervisor; Diego and
Eve are strangers in the group."""

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from flows.schedules import Schedules
from services.bulletins import bulletins
from services.core.errors import Refused
from services.joining.feature import Consent
from services.joining.invites import add_invite
from store.database import Database
from store.models import Invite
from tests.fakebotapi import FakeBotApi, FakeGroup, FakeUser
from tests.services.harness import Clock
from tests.telegram.conftest import CONTENT, invite, running
from tests.telegram.test_circles import (
    CIRCLES_ONLY,
    GROUP,
    MONDAY_NOON,
    TUESDAY_3PM,
    circle_with,
    say,
    settle,
    start,
    texts,
    tick,
    wait_for,
)

# The check-in goes to everyone (`to: all`) at 12:30 on Mondays, and the summary to supervisors.
TO_ALL = dataclasses.replace(
    CONTENT,
    schedules=Schedules.model_validate(
        {
            "schedules": [
                {
                    "id": "weekly_checkin",
                    "what": {"flow": "weekly_checkin"},
                    "to": "all",
                    "when": {"weekly": "monday", "at": "12:30"},
                }
            ],
            "quiet_hours": {"start": "20:00", "end": "07:00"},
        }
    ),
)
OFFER = say("circle.team_offer", facilitator="Fatima", team="North")
CIRCLE_PRIVACY = "onboarding.privacy_circle"
NEWCOMER = say("circle.newcomer", name="Diego", circle="North district circle")
CHECKIN_QUESTION = "How are you feeling this week, overall?"


async def person(store: Database, telegram_id: int) -> tuple[frozenset[str], int | None] | None:
    """Her roles and team, or None when nothing about her is stored."""
    async with store.unit_of_work() as uow:
        found = await uow.people.get_by_telegram_id(telegram_id)
    return None if found is None else (found.role_names, found.team_id)


async def circle_member(store: Database, telegram_id: int) -> bool:
    async with store.unit_of_work() as uow:
        circle = await uow.circles.by_chat(GROUP)
        found = await uow.people.get_by_telegram_id(telegram_id)
        assert circle is not None and found is not None
        member = await uow.circles.membership(circle.id, found.id)
    return member is not None and member.left_at is None


async def join_link(fake: FakeBotApi, group: FakeGroup, stranger: FakeUser) -> str:
    """A stranger taps Join: the code of the link the notice over the button carries."""
    before = len(fake.button_answers)
    await stranger.press_in(group, say("circle.button.join"))
    await fake.wait_until(lambda: len(fake.button_answers) > before, 15)
    answer = fake.button_answers[-1]
    assert answer["text"] == say("circle.join_first")
    return str(answer["url"]).split("start=")[1]


def menu(fake: FakeBotApi, user: FakeUser) -> set[str]:
    """The commands of her newest menu (set for her chat alone)."""
    calls = [call for call in fake.called("setMyCommands") if call.params["scope"]["chat_id"] == user.id]
    return {command["command"] for command in calls[-1].params["commands"]}


def buttons_of(user: FakeUser, words: str) -> list[tuple[str, str]]:
    """(label, data) of the buttons under her newest message that says `words`."""
    message = next(m for m in reversed(user.messages) if words in str(m.get("text", "")))
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


async def consent(user: FakeUser, code: str, notice: str = "onboarding.privacy") -> None:
    """/start with her link, the privacy `notice` she is shown, "I agree", her language."""
    await user.send(f"/start {code}")
    await wait_for(user.api, user, start(notice))
    await user.press("I agree")
    await wait_for(user.api, user, say("onboarding.choose_language"))
    await user.press("English")
    await wait_for(user.api, user, say("help.intro"))


async def circle_in_group(
    fake: FakeBotApi, store: Database, *strangers: FakeUser
) -> tuple[FakeUser, FakeUser, FakeGroup]:
    """Fatima's circle; Ana (a home visitor) joined it; the strangers are in the group."""
    fatima, (ana, *_), group = await circle_with(fake, store, 1)
    for one in strangers:
        await group.join(one)
    return fatima, ana, group


async def offered(fake: FakeBotApi, store: Database) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Fatima, Ana, and Diego, who came by Join and to whom Fatima offered team North."""
    diego = fake.user(599, "Diego")
    fatima, ana, group = await circle_in_group(fake, store, diego)
    await consent(diego, await join_link(fake, group, diego), CIRCLE_PRIVACY)
    await wait_for(fake, fatima, NEWCOMER)
    await fatima.press("Invite her to team North")
    await wait_for(fake, fatima, say("circle.team_offer_sent", name="Diego", team="North"))
    await wait_for(fake, diego, OFFER)
    return fatima, ana, diego


async def test_a_strangers_join_makes_her_a_member_of_the_circle_and_of_no_team(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    clock.now = MONDAY_NOON
    async with running(fake, store, database_url, clock, TO_ALL) as bot:
        diego, eve = fake.user(599, "Diego"), fake.user(598, "Eve")
        fatima, ana, group = await circle_in_group(fake, store, diego, eve)
        sara = fake.user(520, "Sara")
        await consent(sara, await invite(store, "supervisor", "North"))

        code = await join_link(fake, group, diego)
        assert await join_link(fake, group, diego) == code, "a second press gives her the same link"
        async with store.unit_of_work() as uow:
            rows = list(await uow.session.scalars(select(Invite).where(Invite.for_telegram_id == 599)))
        assert [(row.role, row.team_id, row.max_uses) for row in rows] == [("circle_member", None, 1)]
        assert rows[0].expires_at - rows[0].created_at == timedelta(hours=1)

        # Eve opens Diego's link, then presses a Consent button carrying his code: both refused.
        await eve.send(f"/start {code}")
        await wait_for(fake, eve, say("invite.not_yours"))
        await eve.press_data(Consent(code).encode())
        await wait_for(fake, eve, say("invite.not_yours"), times=2)
        assert await person(store, 598) is None, "nothing about her is stored"

        await consent(diego, code, CIRCLE_PRIVACY)  # told that no supervisor sees anything of hers
        assert await person(store, 599) == (frozenset({"circle_member"}), None)
        assert await circle_member(store, 599)
        assert start("circle.joined_by_link") in texts(diego)
        assert "You have joined as learning circle member." in texts(diego)
        await wait_for(fake, fatima, say("circle.newcomer", name="Diego", circle="North district circle"))
        assert (
            fatima.messages[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Invite her to team North"
        )

        # Her menu and /help: what anyone has, and nothing of a team's.
        commands = menu(fake, diego)
        assert {"help", "language", "settings", "away", "cancel"} <= commands
        assert not commands & {"checkin", "reflect", "pdsa", "log", "note", "bulletin", "summary", "invite"}
        await diego.send("/checkin")
        await wait_for(fake, diego, say("chat.not_allowed"))

        # The check-in goes `to: all` at 12:30: to Ana, not to Diego (nor to Sara, not hers).
        clock.now = MONDAY_NOON + timedelta(minutes=30)
        await tick(bot, fake)
        await wait_for(fake, ana, CHECKIN_QUESTION)
        assert CHECKIN_QUESTION not in texts(diego) + texts(sara)

        # A bulletin to all: Ana gets it, Diego does not; none can be sent to circle members.
        async with store.unit_of_work() as uow:
            await bulletins.create(
                uow, bulletins.Audience.parse("all"), "Team meeting Friday.", clock.now, clock.now
            )
            await uow.commit()
        with pytest.raises(Refused, match="circle members get no bulletins"):
            bulletins.Audience.parse("role:circle_member")
        await tick(bot, fake)
        await wait_for(fake, ana, "Team meeting Friday.")
        assert "Team meeting Friday." not in texts(diego)

        # The circle's own reminders reach her privately, with the RSVP buttons.
        clock.now = TUESDAY_3PM - timedelta(days=1)
        await tick(bot, fake)
        await wait_for(fake, diego, "North district circle” meets tomorrow")
        await diego.press(say("circle.button.attending"))
        await wait_for(fake, diego, start("circle.rsvp_yes"))

        # The supervisor's summary names her team's home visitors, never Diego.
        await sara.send("/summary")
        await wait_for(fake, sara, "📋 Weekly summary for North")
        await settle(fake)
        assert "• Ana" in texts(sara) and "Diego" not in texts(sara)


async def test_the_facilitator_invites_a_circle_member_to_her_team(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    async with running(fake, store, database_url, content=CIRCLES_ONLY):
        fatima, ana, diego = await offered(fake, store)
        assert "supervisor sees your check-in scores" in texts(diego)
        [(_, invite_button)] = buttons_of(fatima, "Diego joined")
        await ana.press_data(invite_button)  # not the facilitator: nothing more is offered
        await settle(fake)
        assert texts(diego).count(OFFER) == 1
        await fatima.press("Invite her to team North")  # again: the same offer, no second row
        await wait_for(fake, fatima, say("circle.team_offer_sent", name="Diego", team="North"), times=2)
        async with store.unit_of_work() as uow:
            offers = list(
                await uow.session.scalars(
                    select(Invite).where(Invite.role == "home_visitor", Invite.for_telegram_id == 599)
                )
            )
        assert len(offers) == 1

        (_, accept), _ = buttons_of(diego, "invites you to join team North")
        await ana.press_data(accept)  # someone else pressing it (forwarded data): refused
        await settle(fake)
        assert await person(store, 599) == (frozenset({"circle_member"}), None)

        await diego.press("Join the team")
        await wait_for(fake, diego, say("circle.team_joined", team="North"))
        await wait_for(fake, fatima, say("circle.team_accepted", name="Diego", team="North"))
        async with store.unit_of_work() as uow:
            north = await uow.teams.get_by_name("North")
        assert north is not None
        assert await person(store, 599) == (frozenset({"home_visitor"}), north.id)
        assert await circle_member(store, 599)
        assert {"checkin", "reflect", "pdsa"} <= menu(fake, diego)

        await diego.press("Join the team")  # pressed again: expired, nothing changes
        await wait_for(fake, diego, say("button.expired"))


async def test_a_circle_member_may_decline_the_team(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    async with running(fake, store, database_url, content=CIRCLES_ONLY):
        fatima, _, diego = await offered(fake, store)
        await diego.press("No thanks")
        await wait_for(fake, diego, say("circle.team_declined"))
        await wait_for(fake, fatima, say("circle.team_declined_facilitator", name="Diego"))
        assert await person(store, 599) == (frozenset({"circle_member"}), None)


async def test_someone_already_here_who_opens_her_circle_link_only_joins_the_circle(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    async with running(fake, store, database_url, content=CIRCLES_ONLY):
        diego = fake.user(599, "Diego")
        fatima, _, group = await circle_in_group(fake, store, diego)
        code = await join_link(fake, group, diego)  # a stranger then...
        await consent(diego, await invite(store, "supervisor", "South"))  # ...joins as South's supervisor
        await diego.send(f"/start {code}")
        await wait_for(fake, diego, start("circle.joined_by_link"))
        async with store.unit_of_work() as uow:
            south = await uow.teams.get_by_name("South")
        assert south is not None
        assert await person(store, 599) == (frozenset({"supervisor"}), south.id)
        assert await circle_member(store, 599)
        await settle(fake)
        assert NEWCOMER not in texts(fatima), "she has a team: nothing to offer"
        await diego.send(f"/start {code}")  # single-use
        await wait_for(fake, diego, say("invite.used_up"))


async def test_old_link_members_are_listed_to_the_facilitator_once(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    clock.now = MONDAY_NOON
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, *_), group = await circle_with(fake, store, 0)
        clock.now += timedelta(minutes=1)  # Ana joined circlebot, then tapped Join: not listed
        await ana.press_in(group, say("circle.button.join"))
        await wait_for(fake, ana, start("circle.welcome"))
        async with store.unit_of_work() as uow:  # the circle as it was before issue 18
            circle = await uow.circles.by_chat(GROUP)
            north = await uow.teams.get_by_name("North")
            assert circle is not None and north is not None
            circle.old_links_listed_at = None
            old = await add_invite(
                uow, "home_visitor", north, 50, timedelta(days=90), clock.now, circle_id=circle.id
            )
            await uow.commit()
        lena, omar = fake.user(530, "Lena"), fake.user(531, "Omar")
        for one in (lena, omar):
            await group.join(one)
            await consent(one, old)
        assert await person(store, 530) == (frozenset({"home_visitor"}), north.id)

        await tick(bot, fake)
        listing = say("circle.old_links", circle="North district circle", team="North", names="Lena, Omar")
        await wait_for(fake, fatima, listing)
        buttons = buttons_of(fatima, listing)
        assert [label for label, _ in buttons] == ["Lena: circle only", "Omar: circle only"], "not Ana"
        await tick(bot, fake)
        assert texts(fatima).count(listing) == 1, "once"

        await ana.press_data(buttons[0][1])  # not the facilitator
        await settle(fake)
        assert await person(store, 530) == (frozenset({"home_visitor"}), north.id)

        await fatima.press("Lena: circle only")
        await wait_for(fake, lena, say("circle.made_circle_only", circle="North district circle"))
        await wait_for(
            fake, fatima, say("circle.made_circle_only_done", name="Lena", circle="North district circle")
        )
        assert await person(store, 530) == (frozenset({"circle_member"}), None)
        assert "checkin" not in menu(fake, lena) and "help" in menu(fake, lena)
        assert await person(store, 531) == (frozenset({"home_visitor"}), north.id)
        assert await circle_member(store, 530)
        await fatima.press("Lena: circle only")  # again: she is no longer as the old link made her
        await wait_for(fake, fatima, say("button.expired"))


async def test_onboarding_welcomes_someone_with_no_role(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    async with running(fake, store, database_url, content=CIRCLES_ONLY):
        nadia = fake.user(540, "Nadia")
        await nadia.send(f"/start {await invite(store, 'home_visitor', 'North')}")
        await wait_for(fake, nadia, start("onboarding.privacy"))
        await nadia.press("I agree")
        await wait_for(fake, nadia, say("onboarding.choose_language"))
        async with store.unit_of_work() as uow:  # an admin took her role away meanwhile
            found = await uow.people.get_by_telegram_id(540)
            assert found is not None
            await uow.people.remove_role(found, "home_visitor")
            await uow.commit()
        await nadia.press("English")
        await wait_for(fake, nadia, say("onboarding.welcome_no_role", name="Nadia"))
        await wait_for(fake, nadia, say("help.intro"))
        assert say("error.something_went_wrong") not in texts(nadia)
