"""A supervisor's /bulletin in chat, on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.run import MediaInput
from services.bulletins.bulletins import report_to_authors
from services.bulletins.dialog import read_when
from store.database import Database
from tests.services.harness import CONTENT, FAR, Client, join, make_invite


@pytest.fixture
async def team(db: Database, chat) -> tuple[Client, Client, Client]:
    """Marta supervises North, where Ana and Bea are home visitors; Carla is on South."""
    marta, ana, bea, carla = (
        Client(chat, db, n, name) for n, name in ((10, "Marta"), (1, "Ana"), (2, "Bea"), (3, "Carla"))
    )
    await join(marta, await make_invite(db, "supervisor", "North"))
    north = await make_invite(db, "home_visitor", "North", uses=2)
    await join(ana, north)
    await join(bea, north)
    await join(carla, await make_invite(db, "home_visitor", "South"))
    return marta, ana, bea


async def bulletin_rows(db: Database) -> list[tuple[int, str, dict[str, Any], datetime]]:
    async with db.unit_of_work() as uow:
        rows = [row for row in await uow.outbox.due(FAR, 1000) if row.bulletin_id is not None]
    return sorted((row.chat_id, row.payload["method"], row.payload["params"], row.not_before) for row in rows)


async def test_a_supervisor_writes_previews_and_sends_a_bulletin_to_her_own_team(db, team):
    marta, *_ = team
    await marta.send("/bulletin")
    assert await marta.new() == [
        "Write the bulletin for North (2 people). You can also send a photo with a caption. /cancel stops."
    ]
    await marta.send("Visits resume Monday. Bring the new booklets.")
    assert await marta.new() == [
        "This is how it will look:",
        "📣 Marta\n\nVisits resume Monday. Bring the new booklets.",
        "Send it to 2 people on North?",
    ]
    assert await bulletin_rows(db) == [], "nothing is queued before she says so"
    await marta.press("Send now")
    assert await marta.new() == ["It is on its way to 2 people. I will tell you how the delivery went."]
    rows = await bulletin_rows(db)
    assert [chat for chat, *_ in rows] == [1, 2], "her team but not herself; not Carla on South"
    assert {params["text"] for _, _, params, _ in rows} == {
        "📣 Marta\n\nVisits resume Monday. Bring the new booklets."
    }


async def test_a_bulletin_for_later_reads_her_time_in_her_timezone(db, team, clock):
    marta, *_ = team
    await marta.send("/bulletin")
    await marta.send("Team call tomorrow.")
    await marta.press("Send later")
    await marta.send("sometime soon")
    await marta.send("24/11 08:00")  # 13:00 UTC, already past at 15:00 UTC
    await marta.send("31/02 09:00")
    await marta.send("09:00")  # the next 09:00 in Lima: tomorrow, 14:00 UTC
    said = await marta.new()
    assert said[-4:] == [
        "I could not read that time. Please write it like 25/11 09:00, or just 09:00.",
        "That time has already passed. Please give a later one.",
        "I could not read that time. Please write it like 25/11 09:00, or just 09:00.",
        "It will go to 2 people on 25/11/2026 09:00. I will tell you how the delivery went.",
    ]
    assert {not_before for *_, not_before in await bulletin_rows(db)} == {
        datetime(2026, 11, 25, 14, tzinfo=UTC)
    }


async def test_a_photo_with_a_caption_is_previewed_and_sent_by_its_file_id(db, team):
    marta, *_ = team
    await marta.send("/bulletin")
    await marta._handle(marta._incoming(media=MediaInput("photo", "AgACtoy", {"caption": "Our toy library"})))
    preview = [m for m in await marta.messages() if m.method == "sendPhoto"]
    assert [(m.params["photo"], m.params["caption"]) for m in preview] == [
        ("AgACtoy", "📣 Marta\n\nOur toy library")
    ]
    await marta.press("Send now")
    rows = await bulletin_rows(db)
    assert {(method, params["photo"], params["caption"]) for _, method, params, _ in rows} == {
        ("sendPhoto", "AgACtoy", "📣 Marta\n\nOur toy library")
    }


async def test_too_long_or_not_a_photo_is_explained_and_the_draft_waits(db, team):
    marta, *_ = team
    await marta.send("/bulletin")
    await marta.send("x" * 4100)
    await marta.send_media("sticker")
    await marta.send("Short and sweet.")
    said = await marta.new()
    assert said[1:4] == [
        "That is 13 characters too long: Telegram allows 4096 here. Please shorten it and send it again.",
        "Please send text, or a photo with a caption.",
        "This is how it will look:",
    ]
    await marta.press("Cancel")
    assert (await marta.new())[-1] == "The bulletin was not sent."
    await marta.send("/bulletin")
    await marta.send("/cancel")
    assert (await marta.new())[-1] == "The bulletin was not sent."
    await marta.send("Just chatting")
    assert (await marta.new())[-1].startswith("There is no conversation going on right now.")
    assert await bulletin_rows(db) == []


async def test_a_home_visitor_cannot_send_one_and_an_old_button_does_nothing(db, team):
    marta, ana, _ = team
    await ana.send("/bulletin")
    assert await ana.new() == ["That is not available to you."]
    await marta.send("/bulletin")
    await marta.send("Hello team")
    await marta.press("Send now")
    await marta.press_data("bl:now")  # the same button again
    assert (await marta.new())[-1] == "This button has expired."
    assert len(await bulletin_rows(db)) == 2


async def test_the_author_gets_one_delivery_report_when_every_message_is_settled(db, team, clock):
    marta, *_ = team
    await marta.send("/bulletin")
    await marta.send("Hello team")
    await marta.press("Send now")
    await marta.new()
    assert await report_to_authors(db, CONTENT.catalog, clock()) == 0, "not while messages are on their way"
    async with db.unit_of_work() as uow:
        rows = [row for row in await uow.outbox.due(FAR, 1000) if row.bulletin_id]
        await uow.outbox.mark_sent({rows[0].id: 1}, clock())
        await uow.outbox.mark_failed(
            rows[1], "undeliverable", "Forbidden: bot was blocked by the user", clock()
        )
        await uow.commit()
    assert await report_to_authors(db, CONTENT.catalog, clock()) == 1
    assert await report_to_authors(db, CONTENT.catalog, clock()) == 0, "once"
    assert (await marta.new())[-1] == (
        "Delivery report for bulletin 1, to 2 people: 1 delivered, 1 blocked the bot, 0 failed, 0 still on the way."
    )


def test_times_she_can_write():
    lima, now = ZoneInfo("America/Lima"), datetime(2026, 12, 30, 15, tzinfo=UTC)  # 10:00 in Lima
    assert read_when("05/01 09:00", lima, now) == datetime(2027, 1, 5, 9, tzinfo=lima), (
        "January after December"
    )
    assert read_when("2026-12-31 18:30", lima, now) == datetime(2026, 12, 31, 18, 30, tzinfo=lima)
    assert read_when("31/12/2026 7:05", lima, now) == datetime(2026, 12, 31, 7, 5, tzinfo=lima)
    assert read_when("11:00", lima, now) == datetime(2026, 12, 30, 11, tzinfo=lima)
    assert read_when("09:00", lima, now) == datetime(2026, 12, 31, 9, tzinfo=lima)
    for nonsense in ("31/02 09:00", "25:00", "tomorrow", "12/12"):
        assert read_when(nonsense, lima, now) is None
