"""Issue 21, a branch of where an alert goes, on the chat use case: a supervisor who cannot hear
it (she blocked the bot, or she is deactivated) is never said to have heard; the admins do."""

from services.core.dispatch import ChatService
from store.database import Database
from tests.services.harness import CONTENT, Client, join, make_invite

TOLD_COORDINATORS = CONTENT.catalog.say("en", "alert.told_coordinators")


async def person(
    db: Database, chat: ChatService, name: str, telegram_id: int, role: str, team: str
) -> Client:
    client = Client(chat, db, telegram_id=telegram_id, name=name)
    await join(client, await make_invite(db, role, team))
    return client


async def asks_for_support(client: Client) -> list[str]:
    await client.send("/checkin")
    for step in ("4", "4", "A family came back.", "Too many visits.", "Yes"):
        await (client.send(step) if " " in step else client.press(step))
    return await client.new()


async def test_a_supervisor_who_cannot_hear_it_is_never_said_to_have_heard(db: Database, chat: ChatService):
    sara = await person(db, chat, "Sara", 10, "supervisor", "North")
    ana = await person(db, chat, "Ana", 1, "home_visitor", "North")
    ada = await person(db, chat, "Ada", 30, "admin", "Staff")
    for client in (sara, ana, ada):
        await client.new()
    for cannot_hear in ("unreachable", "deactivated"):  # she blocked the bot; then deactivated
        async with db.unit_of_work() as uow:
            supervisor = await uow.people.get_by_telegram_id(sara.telegram_id)
            assert supervisor is not None
            supervisor.unreachable, supervisor.deactivated = True, cannot_hear == "deactivated"
            await uow.commit()
        told = (await asks_for_support(ana))[-1]
        assert told.startswith(TOLD_COORDINATORS), cannot_hear
        assert "Sara" not in told
        [alert] = await ada.new()
        assert alert.startswith("⚠️ Ana may need support: asked for your support this week."), cannot_hear
        assert await sara.new() == []
