"""The disclosure log through the Bot API fake (issue 24): a shared reflection and an alert are
logged once Telegram took them — who received them, the kind, whose data, when — and she sees
the same in her /mydata; a reflection she kept to herself is nowhere in the log."""

from services.privacy.holdings import holdings_of
from store.database import Database
from store.personal import Kind
from tests.fakebotapi import FakeBotApi
from tests.telegram.conftest import running
from tests.telegram.test_alerts import check_in
from tests.telegram.test_disclosures import a_team_that_reflected, people, rows


async def test_a_shared_reflection_and_an_alert_are_logged_when_sent(
    fake: FakeBotApi, store: Database, database_url: str
):
    async with running(fake, store, database_url):
        marta, ana, _ = await a_team_that_reflected(fake, store)
        [shared] = await marta.replies()
        await check_in(ana, "2", "3 – Just about", "Yes", said=3)
        [alert] = await marta.replies()
    # Stopped: every send Telegram took is recorded.
    ids = await people(store)
    sent = {row.id: row for row in await rows(store)}
    async with store.unit_of_work() as uow:
        entries = await uow.disclosure_log.entries()
        hers = (await holdings_of(uow, ids["Ana"]))[Kind.DISCLOSURES]
    assert {(e.kind, e.about_id, e.recipient_id, e.chat_id) for e in entries} == {
        ("shared_reflection", ids["Ana"], ids["Marta"], 10),
        ("alert", ids["Ana"], ids["Marta"], 10),
        ("alert", ids["Marta"], ids["Ana"], 1),  # she is told who heard it: Marta's name
    }
    to_marta = [entry for entry in entries if entry.recipient_id == ids["Marta"]]
    for entry, words in zip(to_marta, (shared, alert), strict=True):
        message = sent[entry.outbox_id or 0]
        assert entry.logged_at == message.sent_at and words == message.payload["params"]["text"]
    assert [(line["kind"], line["to"]) for line in hers] == [
        ("shared_reflection", "Marta"),
        ("alert", "Marta"),
    ]
