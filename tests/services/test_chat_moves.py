"""`chat_moved`, the one place a group's upgrade to a supergroup is recorded, on SQLite and
PostgreSQL: what was queued for the old chat follows (an edit of a post left there goes as a
new message), what was sent stays as it was, and a second signal changes nothing."""

from datetime import UTC, datetime

from services.core.moves import chat_moved
from services.core.outgoing import Outbox
from store.database import Database
from store.statuses import OutboxStatus

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)
OLD, NEW = -4001, -1_000_000_004_001


async def test_the_circle_and_what_was_queued_for_the_old_chat_follow_once(db: Database) -> None:
    async with db.unit_of_work() as uow:
        fatima = await uow.people.add(501, "Fatima", NOW)
        circle = await uow.circles.add(OLD, fatima.id, None, NOW)
        queued = Outbox(uow, NOW, "clock", interactive=False)
        await queued.send(OLD, "Reminder: we meet tomorrow.")
        await queued.edit(OLD, 77, "Segment 2 of 9")  # a post of the old chat, edited later
        await queued.send(fatima.telegram_id, "Your private reminder.")
        sent = Outbox(uow, NOW, "update:1", interactive=False)
        await sent.send(OLD, "Posted before the upgrade.")
        await uow.commit()
    async with db.unit_of_work() as uow:
        (posted,) = [row for row in await uow.outbox.queued_for(OLD) if "before" in str(row.payload)]
        await uow.outbox.mark_sent({posted.id: 12}, NOW)
        await uow.commit()

    for _ in range(2):  # a second signal (the other service message, a 400) finds nothing to move
        async with db.unit_of_work() as uow:
            await chat_moved(uow, OLD, NEW)
            await uow.commit()

    async with db.unit_of_work() as uow:
        moved = await uow.circles.by_chat(NEW)
        assert moved is not None and moved.id == circle.id
        assert await uow.circles.by_chat(OLD) is None and await uow.outbox.queued_for(OLD) == []
        rows = {row.payload["params"].get("text"): row for row in await uow.outbox.queued_for(NEW)}
        private = await uow.outbox.queued_for(501)
        (kept,) = await uow.outbox.get_many([posted.id])
    assert set(rows) == {"Reminder: we meet tomorrow.", "Segment 2 of 9"}
    assert all(row.chat_id == NEW and row.payload["params"]["chat_id"] == NEW for row in rows.values())
    anew = rows["Segment 2 of 9"].payload
    assert anew["method"] == "sendMessage" and "message_id" not in anew["params"]
    assert [row.payload["params"]["text"] for row in private] == ["Your private reminder."]
    assert (kept.chat_id, kept.status, kept.telegram_message_id) == (OLD, OutboxStatus.SENT, 12)


async def test_a_new_group_that_already_has_a_circle_keeps_it(db: Database) -> None:
    """Someone ran /circle in the supergroup before the bot heard of the upgrade: each circle
    stays where it is, rather than two circles claiming one chat."""
    async with db.unit_of_work() as uow:
        fatima = await uow.people.add(501, "Fatima", NOW)
        first = await uow.circles.add(OLD, fatima.id, None, NOW)
        second = await uow.circles.add(NEW, fatima.id, None, NOW)
        await chat_moved(uow, OLD, NEW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        found_old, found_new = await uow.circles.by_chat(OLD), await uow.circles.by_chat(NEW)
    assert found_old is not None and found_old.id == first.id
    assert found_new is not None and found_new.id == second.id
