"""The disclosure log on SQLite and PostgreSQL (issue 24): a message is logged when Telegram took
it — one entry per person whose data it carried, to its recipient — and a send recorded twice
(the write repeated after a lost answer) is logged once; a message carrying no one's data, or
still queued, is not logged."""

from datetime import UTC, datetime, timedelta

from services.sending.delivery import SentLog
from store.database import Database

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)


async def test_a_sent_message_is_logged_once_per_person_it_carried(db: Database):
    async with db.unit_of_work() as uow:
        marta = await uow.people.add(10, "Marta", NOW)
        ana = await uow.people.add(1, "Ana", NOW)
        bea = await uow.people.add(2, "Bea", NOW)
        text = {"method": "sendMessage", "params": {"text": "words"}}
        rows: dict[str, int | None] = {}
        for key, kind, about in (
            ("summary", "checkin_scores", [ana.id, bea.id]),
            ("hello", None, None),
            ("queued", "shared_reflection", [ana.id]),
        ):
            rows[key] = await uow.outbox.enqueue(
                key, 10, text, NOW, person_id=marta.id, disclosure=kind, about_people=about
            )
        await uow.commit()
    log = SentLog(db, lambda: NOW + timedelta(minutes=1))
    summary, hello = rows["summary"], rows["hello"]
    assert summary is not None and hello is not None
    for _ in range(2):  # the second: a send recorded again, as after a lost answer
        log.add(summary, 501)
        log.add(hello, 502)
        await log.flush()
    async with db.unit_of_work() as uow:
        entries = await uow.disclosure_log.entries()
    assert [(e.kind, e.about_id, e.recipient_id, e.chat_id, e.outbox_id) for e in entries] == [
        ("checkin_scores", ana.id, marta.id, 10, summary),
        ("checkin_scores", bea.id, marta.id, 10, summary),
    ]
    assert {e.logged_at for e in entries} == {NOW + timedelta(minutes=1)}, "when it was sent"
