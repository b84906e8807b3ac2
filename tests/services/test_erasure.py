"""Erasure and the outbox (issue 23): what was queued to her, or carries her words to someone
else, is emptied and, not sent yet, no longer sent; a message that only counts her (a team's
summary) keeps its numbers and loses her name."""

from datetime import UTC, datetime

from sqlalchemy import select

from services.privacy.erasure import erase
from store.models import OutboxMessage
from store.statuses import OutboxStatus

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


def message(text: str) -> dict[str, object]:
    return {"method": "sendMessage", "params": {"chat_id": 0, "text": text}}


async def test_what_is_queued_to_her_or_with_her_words_goes_and_counts_stay_without_her_name(db):
    async with db.unit_of_work() as uow:
        ana = await uow.people.add(1, "Ana María", NOW, username="anamaria", language="en")
        bea = await uow.people.add(2, "Bea", NOW, language="en")
        marta = await uow.people.add(10, "Marta", NOW, language="en")
        queued = {
            "to her": (1, ana.id, message("Your check-in is ready"), None, None),
            "her words": (
                10,
                marta.id,
                message("Ana María shared: the baby smiled"),
                "shared_reflection",
                [ana.id],
            ),
            "summary": (
                10,
                marta.id,
                message("• Ana María (@anamaria) — wellbeing 4\n• Bea — wellbeing 3"),
                "checkin_scores",
                [ana.id, bea.id],
            ),
            "Bea's own": (2, bea.id, message("Hello Bea"), None, None),
        }
        for key, (chat, person, payload, kind, about) in queued.items():
            await uow.outbox.enqueue(
                key, chat, payload, NOW, person_id=person, disclosure=kind, about_people=about
            )
        await uow.commit()

    async with db.unit_of_work() as uow:
        assert await erase(uow, ana.id, NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        rows = {row.idempotency_key: row for row in await uow.session.scalars(select(OutboxMessage))}

    for key in ("to her", "her words"):
        assert (rows[key].payload, rows[key].status) == ({}, OutboxStatus.WITHHELD), key
    assert rows["to her"].chat_id != 1, "her Telegram id is on no row"
    summary = rows["summary"]
    assert summary.payload["params"]["text"] == "• — (—) — wellbeing 4\n• Bea — wellbeing 3"
    assert (summary.status, summary.about_people) == (OutboxStatus.PENDING, [bea.id]), "it still goes"
    assert (
        rows["Bea's own"].payload == message("Hello Bea") and rows["Bea's own"].status == OutboxStatus.PENDING
    )
