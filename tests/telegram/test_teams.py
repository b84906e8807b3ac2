"""Issue 18 through the Bot API fake: a team always knows its supervisor (a moved supervisor no
longer acts for her old team; the one appointed gets what was shared meanwhile), and deactivated
means quiet (no circle prompt, RSVP, recap or rating; no bulletin queued before; her circles tell
the admins they need a facilitator)."""

from datetime import timedelta

from bot import Wired
from services.bulletins import bulletins
from services.joining import people
from store.database import Database
from store.statuses import OutboxStatus
from tests.fakebotapi import FakeBotApi, FakeUser
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
from tests.telegram.test_end_to_end import join, reflect


async def person_id(store: Database, user: FakeUser) -> int:
    async with store.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(user.id)
    assert person is not None
    return person.id


async def test_a_moved_supervisor_no_longer_acts_for_her_old_team(
    polling_bot: Wired, fake: FakeBotApi, store: Database
) -> None:
    marta = fake.user(10, "Marta")
    await join(marta, await invite(store, "supervisor", "North"))
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    olga = fake.user(20, "Olga")
    await join(olga, await invite(store, "home_visitor", "South"))
    assert "Your reflection was shared with your supervisor." in await reflect(ana, share=True)
    assert (await marta.replies())[0].startswith("Ana shared a reflection with you:")

    change = await people.move(store, await person_id(store, marta), "South")
    assert change.freed == "North"
    await marta.press("Reply to Ana")  # the share delivered to her before the move
    assert await marta.replies() == [say("button.expired")]
    await marta.send("/invite")
    assert await marta.replies() == [say("invite.no_team")]

    said = await reflect(ana, share=True)  # North has no supervisor now: it waits
    assert say("share.no_supervisor") in said
    appointed = await people.set_supervisor(
        store, CONTENT, "North", await person_id(store, olga), MONDAY_NOON
    )
    assert (appointed.delivered, appointed.role_added) == (1, True)
    await polling_bot.sender.drain()
    got = await olga.replies(2)
    assert got[0].startswith("Ana shared a reflection with you:")
    assert got[1] == say("team.supervisor_appointed", team="North")
    await olga.press("Reply to Ana")
    await olga.replies()
    await olga.send("Thank you, Ana.")
    assert await olga.replies() == ["Your reply was delivered to Ana."]
    assert (await ana.replies())[-1] == "Your supervisor Olga replied to your reflection:\n\nThank you, Ana."

    assert "Your reflection was shared with your supervisor." in await reflect(ana, share=True)
    assert (await olga.replies())[0].startswith("Ana shared a reflection with you:")
    await settle(fake)
    assert sum("Ana shared a reflection" in m.get("text", "") for m in marta.messages) == 1


async def test_a_deactivated_member_gets_no_circle_prompt_rsvp_recap_or_rating(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    clock.now = MONDAY_NOON
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, beto, carla), group = await circle_with(fake, store, joined=3)
        await people.set_deactivated(store, await person_id(store, carla), True)

        clock.now = TUESDAY_3PM - timedelta(days=1)
        await tick(bot, fake)
        for member in (ana, beto):
            assert "meets tomorrow" in texts(member)
        assert "meets tomorrow" not in texts(carla)
        clock.now = TUESDAY_3PM - timedelta(hours=1)
        await tick(bot, fake)
        assert "No answer: Ana, Beto." in texts(fatima)  # the roster does not name her

        clock.now = TUESDAY_3PM
        await tick(bot, fake)
        await wait_for(fake, group, "Look back ·")
        await fatima.say(group, "/next")
        await wait_for(fake, beto, start("circle.private_prompt"))
        await wait_for(fake, ana, start("circle.private_prompt"))
        await fatima.say(group, "/end")
        await wait_for(fake, group, start("circle.recap"))
        await tick(bot, fake)
        for member in (ana, beto):
            assert start("circle.rate") in texts(member) and start("circle.recap") in texts(member)
        for words in ("From the learning circle", "How useful", "Recap of", "Will you be there?"):
            assert words not in texts(carla)
        assert "Carla" not in texts(fatima).split(start("circle.report"))[-1]


async def test_a_bulletin_queued_before_her_deactivation_is_withheld_from_her_only(
    polling_bot: Wired, fake: FakeBotApi, store: Database
) -> None:
    code = await invite(store, "home_visitor", "North", uses=2)
    ana, bea = fake.user(1, "Ana"), fake.user(2, "Bea")
    await join(ana, code)
    await join(bea, code)
    async with store.unit_of_work() as uow:
        bulletin, total = await bulletins.create(
            uow,
            bulletins.Audience.parse("team:North"),
            "Vaccination day is Friday.",
            MONDAY_NOON,
            MONDAY_NOON,
        )
        await uow.commit()
    assert total == 2
    await people.set_deactivated(store, await person_id(store, ana), True)
    await polling_bot.sender.drain()
    await settle(fake)
    assert "Vaccination day is Friday." in texts(bea)
    assert "Vaccination day is Friday." not in texts(ana)
    async with store.unit_of_work() as uow:
        report = await bulletins.report(uow, bulletin.id)
        tally = await uow.outbox.bulletin_tally(bulletin.id)
    assert (OutboxStatus.WITHHELD, "deactivated", 1) in tally
    assert (report.delivered, report.failed, report.waiting) == (1, 1, 0)

    await ana.send("/help")  # the reply that tells her she is deactivated still goes
    assert await ana.replies() == [say("people.deactivated")]


async def test_a_deactivated_facilitators_circle_tells_every_admin_who_joined_once(
    fake: FakeBotApi, store: Database, database_url: str
) -> None:
    clock = Clock()
    clock.now = MONDAY_NOON
    async with running(fake, store, database_url, clock, CIRCLES_ONLY) as bot:
        fatima, (ana, _, _), _ = await circle_with(fake, store, joined=1)
        ada, eva = fake.user(30, "Ada"), fake.user(31, "Eva")
        await join(ada, await invite(store, "admin", "Staff"))
        await join(eva, await invite(store, "admin", "Staff"))
        await people.set_deactivated(store, await person_id(store, eva), True)  # not told
        await people.set_deactivated(store, await person_id(store, fatima), True)

        clock.now = TUESDAY_3PM - timedelta(hours=1)
        await tick(bot, fake)
        await tick(bot, fake)
        async with store.unit_of_work() as uow:
            circle = await uow.circles.by_chat(GROUP)
        assert circle is not None
        notice = say("notice.needs_facilitator", name=circle.name, id=circle.id)
        assert texts(ada).count(notice) == 1
        assert notice not in texts(eva)
        assert "meets in one hour" in texts(ana)
        assert "in one hour. Coming:" not in texts(fatima)  # no roster for her
