"""The real PTB Application over HTTP against the Bot API fake: several people at once, in
long polling and in webhook mode."""

import asyncio
from datetime import timedelta
from typing import Any

import aiohttp

from bot import Wired
from store.database import Database
from tests.fakebotapi import FakeBotApi, FakeUser
from tests.reflection import UP_TO_SHARING
from tests.telegram.conftest import invite


async def join(user: FakeUser, code: str, language: str = "English") -> list[str]:
    await user.send(f"/start {code}")
    await user.replies()
    await user.press("Estoy de acuerdo" if user.language_code == "es" else "I agree")
    await user.replies()
    await user.press(language)
    return await user.replies(3)


async def tick(user: FakeUser, label: str) -> dict[str, Any]:
    """Mark a multiple choice: its question is edited in place (returned), nothing new is sent."""
    question = user.messages[-1]
    await user.press(label)
    await user.api.wait_until(lambda: bool(question.get("edited")))
    return question


async def reflect(user: FakeUser, share: bool) -> list[str]:
    await user.send("/reflect")
    await user.replies(3)
    for action, value in UP_TO_SHARING:
        if action == "tick":
            await tick(user, value)
            continue
        await (user.send(value) if action == "send" else user.press(value))
        await user.replies()
    await user.press("Yes" if share else "No")
    return await user.replies(3)  # her summary, the closing words, and what became of the share


async def test_several_people_at_once_over_long_polling(
    polling_bot: Wired, fake: FakeBotApi, store: Database
):
    marta = fake.user(10, "Marta")
    welcome = await join(marta, await invite(store, "supervisor", "North"))
    assert welcome[1] == "Welcome, Marta! You have joined as supervisor."
    code = await invite(store, "home_visitor", "North", uses=3)
    ana, bea, caro = fake.user(1, "Ana"), fake.user(2, "Bea", "es"), fake.user(3, "Caro")
    await asyncio.gather(join(ana, code), join(bea, code, "Español"), join(caro, code))

    await fake.wait_until(lambda: {1, 2, 3, 10} <= fake.commands.keys())
    assert [c["command"] for c in fake.commands[1]] == [
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
    assert fake.commands[2][0] == {"command": "reflect", "description": "Reflexionar sobre una visita"}
    assert [c["command"] for c in fake.commands[10]] == [
        "selfcheck",
        "checkin",
        "mytrend",
        "pdsa",
        "log",
        "note",
        "summary",
        "invite",
        "bulletin",
        "observe",
        "away",
        "language",
        "settings",
        "forget",
        "cancel",
        "mydata",
        "help",
    ]

    ana_said, caro_said = await asyncio.gather(reflect(ana, share=True), reflect(caro, share=False))
    assert "Your reflection was shared with your supervisor." in ana_said
    assert "Your reflection stays private to you." in caro_said
    shared = await marta.replies()
    assert shared[0].startswith("Ana shared a reflection with you:")
    await marta.press("Reply to Ana")
    await marta.replies()
    await marta.send("Thank you, Ana.")
    assert await marta.replies() == ["Your reply was delivered to Ana."]
    assert await ana.replies() == ["Your supervisor Marta replied to your reflection:\n\nThank you, Ana."]
    assert not [m for m in marta.messages if "Caro" in m["text"]]

    answered = {call.params.get("callback_query_id") for call in fake.called("answerCallbackQuery")}
    assert len(answered) == len(fake.called("answerCallbackQuery")), "each button press is answered once"


async def test_a_multiple_choice_press_edits_the_question_in_place(
    polling_bot, fake: FakeBotApi, store: Database
):
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.replies(3)
    await ana.press("Yesterday")
    await ana.replies()
    for text in ("The mother cried when I arrived.", "I felt helpless.", "He watched her face."):
        await ana.send(text)
        await ana.replies()
    question = await tick(ana, "Parallel process")
    labels = [row[0]["text"] for row in question["reply_markup"]["inline_keyboard"]]
    assert "✓ Parallel process: how one relationship echoes another" in labels


async def test_a_sticker_and_the_token_never_logged(polling_bot, fake: FakeBotApi, store: Database, caplog):
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    await ana.send("/reflect")
    await ana.replies(3)
    await ana.press("Yesterday")
    await ana.replies()
    await ana.send_sticker()
    said = await ana.replies(2)
    assert said[0] == "Please type your answer as a message."
    assert "123456:TEST" not in caplog.text


async def test_the_fake_enforces_telegrams_limits_when_asked(fake: FakeBotApi):
    from tests.fakebotapi import Limits

    fake.limits = Limits()
    async with aiohttp.ClientSession() as http:
        url = f"{fake.root}/bot{fake.token}/sendMessage"
        statuses = []
        for n in range(5):
            async with http.post(url, json={"chat_id": 1, "text": f"m{n}"}) as response:
                statuses.append((response.status, await response.json()))
    assert [status for status, _ in statuses] == [200, 200, 200, 429, 429]  # a short burst, then 1/s
    assert statuses[3][1]["parameters"]["retry_after"] >= 1
    assert fake.throttled == 2


async def test_a_person_who_blocked_the_bot_is_marked_unreachable_until_she_writes(
    polling_bot, fake: FakeBotApi, store: Database
):
    ana = fake.user(1, "Ana")
    await join(ana, await invite(store, "home_visitor", "North"))
    fake.blocked.add(1)
    await ana.send("/help")

    async def unreachable() -> bool:
        async with store.unit_of_work() as uow:
            person = await uow.people.get_by_telegram_id(1)
            return person is not None and person.unreachable

    for _ in range(100):
        if await unreachable():
            break
        await asyncio.sleep(0.05)
    assert await unreachable()
    fake.blocked.discard(1)
    await ana.send("/help")
    await ana.replies()
    assert not await unreachable()


async def test_a_network_error_never_carries_the_token():
    from telegram.error import NetworkError

    from handlers.http import AiohttpRequest
    from tests.telegram.conftest import TOKEN, free_port

    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        url = f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe"  # nobody listens there
        try:
            await request.do_request(url, "POST")
        except NetworkError as error:
            assert TOKEN not in str(error) and TOKEN not in repr(error.__cause__)
        else:
            raise AssertionError("a closed port should fail")
    finally:
        await request.shutdown()


async def test_the_running_bot_beats_every_second_and_sends_what_others_queued(
    polling_bot, fake: FakeBotApi, store: Database
):
    from services.sending.heartbeat import sender_is_alive
    from tests.telegram.conftest import clock

    async with store.unit_of_work() as uow:  # as the command line queues a bulletin
        payload = {"method": "sendMessage", "params": {"chat_id": 42, "text": "Key message of the week"}}
        await uow.outbox.enqueue("bulletin:1:42", 42, payload, clock())
        await uow.commit()
    await fake.wait_for_activity(42, 1, seconds=3)
    assert fake.chats[42][0]["text"] == "Key message of the week"
    assert await sender_is_alive(store, clock())
    assert not await sender_is_alive(store, clock() + timedelta(seconds=6)), "silence goes stale after 5 s"
