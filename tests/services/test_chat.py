"""The chat use case, person by person, on SQLite and PostgreSQL."""

import pytest

from services.core.dispatch import ChatService
from services.features import registry_for
from store.database import Database
from tests.services.harness import CONTENT, Client, join, make_invite, outbox, reflect_up_to_sharing


@pytest.fixture
def client(chat, db):
    def make(telegram_id: int, name: str, language_code: str = "en") -> Client:
        return Client(chat, db, telegram_id, name, language_code)

    return make


async def people_count(db: Database) -> int:
    async with db.unit_of_work() as uow:
        return len(await uow.people.all())


async def reflect(person: Client, share: bool) -> list[str]:
    await person.send("/reflect")
    await reflect_up_to_sharing(person)
    await person.press("Yes" if share else "No")
    return await person.new()


async def test_a_stranger_without_a_valid_invite_is_told_kindly_and_nothing_is_stored(db, client, clock):
    ana = client(1, "Ana")
    await ana.send("/start")
    await ana.send("/start not-a-code")
    await ana.send("hello")
    used = await make_invite(db, "home_visitor", "North")
    await join(client(2, "Bea"), used)
    await ana.send(f"/start {used}")
    expired = await make_invite(db, "home_visitor", "North")
    clock.advance(days=8)
    await ana.send(f"/start {expired}")
    assert await ana.new() == [
        "circlebot is by invitation only. Please ask your supervisor for an invite link.",
        "This invite link is not valid. Please check it, or ask your supervisor for a new one.",
        "circlebot is by invitation only. Please ask your supervisor for an invite link.",
        "This invite link has already been used. Please ask your supervisor for a new one.",
        "This invite link has expired. Please ask your supervisor for a new one.",
    ]
    assert await people_count(db) == 1  # Bea only


async def test_joining_asks_consent_before_storing_anything_then_the_language(db, client):
    code = await make_invite(db, "home_visitor", "North")
    ana = client(1, "Ana", "es-419")
    await ana.send(f"/start {code}")
    notice = (await ana.messages())[-1]
    assert notice.text.startswith("Le damos la bienvenida a circlebot")
    assert [label for label, _ in notice.buttons] == ["Estoy de acuerdo", "No, gracias"]
    assert await people_count(db) == 0
    await ana.press("No, gracias")
    assert (await ana.new())[-1].startswith("No hay problema: no se guardó nada.")
    assert await people_count(db) == 0

    await ana.press("Estoy de acuerdo")
    assert (await ana.new())[-1] == "¿En qué idioma prefiere que le escriba?"
    await ana.press("Español")
    said = await ana.new()
    assert said[0] == "A partir de ahora le escribiré en español."
    assert said[1] == "¡Le damos la bienvenida, Ana! Se unió como visitadora o visitador domiciliario."
    assert "/reflect — Reflexionar sobre una visita" in said[2] and "/selfcheck" not in said[2]
    menu = [m for m in await ana.messages() if m.method == "setMyCommands"][-1]
    assert [c["command"] for c in menu.params["commands"]] == [
        "reflect",
        "checkin",
        "mytrend",
        "pdsa",
        "log",
        "note",
        "myfeedback",
        "away",
        "language",
        "settings",
        "forget",
        "cancel",
        "mydata",
        "help",
    ]
    assert menu.params["scope"] == {"type": "chat", "chat_id": 1}
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None and person.consented_at is not None and person.language == "es"
        assert person.role_names == {"home_visitor"}


async def test_a_deactivated_person_gets_a_polite_refusal_and_nothing_else(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None
        await uow.people.set_deactivated(person, True)
        await uow.commit()
    await ana.send("/reflect")
    assert await ana.new() == [
        "Your access to circlebot is paused. If you think this is a mistake, please contact your program team."
    ]


async def test_a_shared_reflection_reaches_the_supervisor_who_can_reply(db, client):
    marta = client(10, "Marta")
    await join(marta, await make_invite(db, "supervisor", "North"))
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))

    said = await reflect(ana, share=True)
    assert said[-1] == "Your reflection was shared with your supervisor."
    shared = await marta.new()
    assert len(shared) == 1
    assert shared[0].startswith("Ana shared a reflection with you:")
    assert "He kept looking at her face." in shared[0]
    assert (
        "What would help from your supervisor\nTime to talk about the visits that stay with me." in shared[0]
    )
    assert "Share with your supervisor" not in shared[0]

    await marta.press("Reply to Ana")
    assert await marta.new() == ["Type your reply to Ana:"]
    await marta.send("Thank you, Ana. Let's talk about this on Thursday.")
    assert await marta.new() == ["Your reply was delivered to Ana."]
    assert await ana.new() == [
        "Your supervisor Marta replied to your reflection:\n\nThank you, Ana. Let's talk about this on Thursday."
    ]


async def test_without_a_supervisor_the_reflection_waits_for_one(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    said = await reflect(ana, share=True)
    assert (
        said[-1] == "Your team has no supervisor yet: your reflection will be delivered as soon as one joins."
    )
    marta = client(10, "Marta")
    await marta.send(f"/start {await make_invite(db, 'supervisor', 'North')}")
    await marta.press("I agree")
    assert any(text.startswith("Ana shared a reflection with you:") for text in await marta.new())


async def test_an_unshared_reflection_reaches_no_one(db, client):
    marta = client(10, "Marta")
    await join(marta, await make_invite(db, "supervisor", "North"))
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    said = await reflect(ana, share=False)
    assert said[-1] == "Your reflection stays private to you."
    assert await marta.new() == []
    async with db.unit_of_work() as uow:
        supervisor = await uow.people.get_by_telegram_id(10)
        assert supervisor is not None
    assert not [m for m in await outbox(db) if "He kept looking" in m.text and m.chat_id == 10]


async def test_every_answer_is_committed_with_its_tags(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await reflect(ana, share=False)
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None
        runs = await uow.runs.recent_completed(person.id, "rios_reflection", 5)
        answers = await uow.answers.for_run(runs[0].id)
    by_step = {answer.step_id: answer for answer in answers}
    assert by_step["describe"].tags == {"rios_task": "describing"}
    assert by_step["explore_baby"].tags == {"rios_task": "exploring", "rios_element": "baby_in_mind"}
    assert by_step["elements"].value == ["family_story"]
    assert by_step["share"].value is False


async def test_a_repeated_update_changes_nothing_and_sends_nothing(db, client, chat):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/reflect")
    before = len(await outbox(db))
    assert ana.last_update is not None
    assert await chat.handle(ana.last_update) == []
    assert len(await outbox(db)) == before


async def test_buttons_from_an_old_run_or_someone_elses_do_nothing_harmful(db, client):
    ana = client(1, "Ana")
    bea = client(2, "Bea")
    code = await make_invite(db, "home_visitor", "North", uses=2)
    await join(ana, code)
    await join(bea, code)
    await ana.send("/reflect")
    anas_button = (await ana.messages())[-1].buttons[0][1]
    assert anas_button.startswith("r:")
    await bea.press_data(anas_button)  # forged: Bea presses Ana's button
    assert await bea.new() == ["This button has expired."]
    await ana.send("/cancel")
    await ana.press_data(anas_button)  # from a run that has ended
    assert (await ana.new())[-1] == "This button has expired."
    await ana.press_data("r:abc:99:x")
    assert (await ana.new())[-1] == "This button has expired."
    assert all(len(data.encode()) <= 64 for m in await outbox(db) for _, data in m.buttons)


async def test_free_text_where_a_button_is_expected_gets_the_question_again(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.new()
    await ana.send("last week sometime")
    said = await ana.new()
    assert said[0].startswith("Please give a date like")
    assert said[1] == "When was the visit?"


async def test_a_sticker_where_text_is_expected_gets_a_kind_explanation(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.press("Yesterday")
    await ana.new()
    await ana.send_media("sticker")
    said = await ana.new()
    assert said[0] == "Please type your answer as a message."
    assert said[1].startswith("Think of a moment from that visit")


async def test_another_flow_mid_flow_asks_to_go_back_or_close(db, client):
    marta = client(10, "Marta")
    await join(marta, await make_invite(db, "supervisor", "North"))
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(10)
        assert person is not None
        await uow.people.add_role(person, "home_visitor")
        await uow.commit()
    await marta.send("/selfcheck")
    await marta.press("Today")
    await marta.new()
    await marta.send("/reflect")
    assert (await marta.new())[-1] == (
        "You are in the middle of “Supervision self-check”. Would you like to go back to it, "
        "or close it and start “Reflect on a visit”?"
    )
    await marta.press("Go back to it")
    assert (await marta.new())[-1].startswith("Understanding the family story")
    await marta.send("/reflect")
    await marta.new()
    await marta.press("Close it and start")
    said = await marta.new()
    assert said[0] == "Stopped. What you already answered is kept."
    assert said[-1] == "When was the visit?"


async def test_help_mid_flow_then_the_pending_question_again(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.new()
    await ana.send("/help")
    said = await ana.new()
    assert said[0].startswith("Here is what you can do:")
    assert said[1] == "When was the visit?"


async def test_commands_follow_roles(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/selfcheck")
    await ana.send("/invite")
    await ana.send("/frobnicate")
    assert await ana.new() == [
        "That is not available to you.",
        "That is not available to you.",
        "I do not know that command. /help shows what you can do.",
    ]


async def test_a_supervisor_invites_from_chat(db, client):
    marta = client(10, "Marta")
    await join(marta, await make_invite(db, "supervisor", "North"))
    await marta.send("/invite")
    said = (await marta.new())[-1]
    assert said.startswith("Invite link for a home visitor on North — 1 use(s), valid for 7 days:\n")
    assert "https://t.me/circle_test_bot?start=" in said
    await marta.press("For 5 people")
    assert "5 use(s), valid for 7 days" in (await marta.new())[-1]
    code = said.rsplit("start=", 1)[1]
    ana = client(1, "Ana")
    await join(ana, code)
    async with db.unit_of_work() as uow:
        person = await uow.people.get_by_telegram_id(1)
        team = await uow.teams.get_by_name("North")
        assert person is not None and team is not None and person.team_id == team.id


async def test_someone_already_here_who_opens_a_new_invite_gains_its_role(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await reflect(ana, share=True)  # North has no supervisor yet: the reflection waits
    promotion = await make_invite(db, "supervisor", "North")
    await ana.send(f"/start {promotion}")
    assert await ana.new() == [
        "Your invite added a role: you are now also supervisor. Your menu has been updated."
    ], "her own reflection, shared while the team had no supervisor, is not sent to herself"
    menus = [m for m in await ana.messages() if m.method == "setMyCommands"]
    assert "invite" in [command["command"] for command in menus[-1].params["commands"]]
    await ana.send("/invite")
    assert (await ana.new())[-1].startswith("Invite link for a home visitor on North")
    async with db.unit_of_work() as uow:
        team = await uow.teams.get_by_name("North")
        person = await uow.people.get_by_telegram_id(1)
        assert team is not None and person is not None
        assert team.supervisor_id == person.id and person.role_names == {"home_visitor", "supervisor"}
        assert (await uow.invites.get(promotion)).uses == 1

    await ana.send(f"/start {await make_invite(db, 'home_visitor', 'North')}")
    assert (await ana.new())[0] == "You are already part of circlebot."


async def test_an_invite_to_another_team_changes_nothing_for_someone_already_here(db, client):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    elsewhere = await make_invite(db, "supervisor", "South")
    await ana.send(f"/start {elsewhere}")
    assert await ana.new() == [
        "This invite is for another team. Please ask a program admin to move you first."
    ]
    await ana.send("/start not-a-code")
    assert await ana.new() == [
        "This invite link is not valid. Please check it, or ask your supervisor for a new one."
    ]
    async with db.unit_of_work() as uow:
        assert (await uow.invites.get(elsewhere)).uses == 0
        person = await uow.people.get_by_telegram_id(1)
        assert person is not None and person.role_names == {"home_visitor"}


async def test_the_self_check_shows_her_own_trend(db, client):
    marta = client(10, "Marta")
    await join(marta, await make_invite(db, "supervisor", "North"))
    for score in ("3", "5"):
        await marta.send("/selfcheck")
        await marta.press("Today")
        for _ in range(10):
            await marta.press(score)
        await marta.send("/skip")
    said = await marta.new()
    assert said[-1].startswith("How your sessions compare (oldest first, 1–5):")
    assert "Understanding the family story: 3 · 5" in said[-1]


async def test_a_new_service_resumes_mid_flow_at_the_same_step(db, client, clock):
    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.press("Yesterday")
    await ana.send("The mother cried when I arrived and the baby watched her.")
    await ana.new()
    restarted = Client(
        ChatService(db, CONTENT, "America/Lima", clock, registry=registry_for(CONTENT)),
        db,
        1,
        "Ana",
        seen=ana.seen,
    )
    await restarted.send("I felt helpless.")
    assert (await restarted.new())[-1].startswith("Now picture the moment through the baby's or child's eyes")


async def test_update_ids_are_kept_a_week_so_a_late_repeat_still_changes_nothing(db, client, chat, clock):
    from flows.retention import Kind
    from services.privacy.retention import RetentionRun

    async def forget() -> int:  # the retention rule for update ids (content/retention.yaml)
        async with db.unit_of_work() as uow:
            forgotten = await RetentionRun(CONTENT).apply(uow, Kind.UPDATE_IDS, clock())
            await uow.commit()
        return forgotten

    ana = client(1, "Ana")
    await join(ana, await make_invite(db, "home_visitor", "North"))
    await ana.send("/help")
    repeat = ana.last_update
    assert repeat is not None
    clock.advance(days=6)
    assert await forget() == 0
    assert await chat.handle(repeat) == []
    clock.advance(days=2)
    assert await forget() > 0
