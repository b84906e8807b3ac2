"""`circlebot people erase ID [--yes]` (issue 23): an admin erases someone, for a request made by
e-mail, as her /forget would; with no one to confirm and no --yes it refuses in one line."""

from sqlalchemy import select

from store.models import OutboxMessage, Person, WaitingPrompt
from tests.cli.test_bulletin import NOW, PEOPLE, join
from tests.cli.test_cli import one_line

WORDS = "Marker: the question waiting in her queue"


def ana_with_words(store) -> int:
    join(store, PEOPLE)

    async def work(db):
        async with db.unit_of_work() as uow:
            ana = await uow.people.get_by_telegram_id(1)
            await uow.waiting.add(ana.id, {"v": 1, "kind": "away.until"}, WORDS, "tag", NOW)
            await uow.commit()
            return ana.id

    return store(work)


def state(store, person_id: int):
    async def work(db):
        async with db.unit_of_work() as uow:
            person = await uow.session.get(Person, person_id)
            waiting = list(await uow.session.scalars(select(WaitingPrompt.text)))
            told = [row.payload["params"]["text"] for row in await uow.session.scalars(select(OutboxMessage))]
            return person.name, person.telegram_id, person.erased_at, waiting, told

    return store(work)


def test_with_no_one_to_confirm_and_no_yes_it_refuses_in_one_line(circlebot, store):
    ana = ana_with_words(store)
    result = circlebot("people", "erase", str(ana))
    assert result.code != 0 and "add --yes" in one_line(result.err)
    assert state(store, ana)[:2] == ("Ana", 1) and WORDS in state(store, ana)[3]


def test_an_admin_erases_her_and_she_is_told_last(circlebot, store):
    ana = ana_with_words(store)
    result = circlebot("people", "erase", str(ana), "--yes")
    assert result.code == 0 and f"Erased Ana (id {ana})" in result.out
    name, telegram_id, erased_at, waiting, told = state(store, ana)
    assert (name, erased_at is not None, waiting) == ("", True, [])
    assert telegram_id != 1, "her Telegram id is on no row: she is a stranger"
    assert told == [
        "Done: your data has been erased. This is the last message circlebot sends you. "
        "To take part again one day, you would need a new invite."
    ]
    again = circlebot("people", "erase", str(ana), "--yes")
    assert again.code != 0 and "was erased on" in one_line(again.err)
    assert "no person with id 4242" in one_line(circlebot("people", "erase", "4242", "--yes").err)
