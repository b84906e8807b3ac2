"""A message that carries someone's data cannot be queued without saying whose (issue 21): the
words of a disclosing key are refused without their kind, a kind about no one is refused, and
the store refuses a kind without people or people without a kind."""

from datetime import UTC, datetime

import pytest

from services.core.disclosures import About, Undisclosed, check
from services.sharing.sharing import SHARED_REFLECTION, SUPERVISOR_REPLY
from store.database import Database


def test_the_words_of_a_shared_reflection_are_refused_without_saying_whose():
    with pytest.raises(Undisclosed):
        check("share.header", None)
    with pytest.raises(Undisclosed):
        check("share.header", About.of(SUPERVISOR_REPLY, [7]))  # another kind
    check("share.header", About.of(SHARED_REFLECTION, [7]))
    check("share.sent", None)  # her own words to herself carry no one's data


def test_a_disclosure_about_no_one_is_refused():
    with pytest.raises(Undisclosed):
        About.of(SHARED_REFLECTION, [])


@pytest.mark.parametrize(("disclosure", "people"), [("alert", None), (None, [3]), ("alert", [])])
async def test_the_outbox_refuses_a_kind_without_people_or_people_without_a_kind(
    db: Database, disclosure, people
):
    now = datetime(2026, 12, 6, tzinfo=UTC)
    payload = {"method": "sendMessage", "params": {"chat_id": 5, "text": "…"}}
    async with db.unit_of_work() as uow:
        with pytest.raises(ValueError, match="both or neither"):
            await uow.outbox.enqueue("k", 5, payload, now, disclosure=disclosure, about_people=people)
