"""The Bot API fake's groups, over real HTTP: what Telegram lets a bot see of a supergroup
(privacy mode, chat_member only for an administrator that asked), its statuses, its 403s, and
the counting of the 20-messages-a-minute group limit."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import telegram

from tests.fakebotapi import FakeBotApi, FakeGroup, FakeUser

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
GROUP = -100123
EVERYTHING = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]


@dataclass
class Bot:
    """The bot's side: Bot API calls over HTTP, and getUpdates with its offset."""

    http: aiohttp.ClientSession
    api: FakeBotApi
    offset: int = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        url = f"{self.api.root}/bot{TOKEN}/{method}"
        async with self.http.post(url, json=params) as response:
            body: dict[str, Any] = await response.json()
        return body

    async def ok(self, method: str, **params: Any) -> Any:
        body = await self.call(method, **params)
        assert body["ok"], body
        return body["result"]

    async def updates(self, **params: Any) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = await self.ok("getUpdates", offset=self.offset, timeout=0, **params)
        if batch:
            self.offset = batch[-1]["update_id"] + 1
        return batch


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with aiohttp.ClientSession() as http:
        yield Bot(http, api)


def kinds(updates: list[dict[str, Any]]) -> list[str]:
    return [next(key for key in update if key != "update_id") for update in updates]


def team(api: FakeBotApi) -> tuple[FakeGroup, FakeUser, FakeUser]:
    group = api.group(GROUP, "Ward 7 team")
    alice, bob = api.user(1, "Alice"), api.user(2, "Bob")
    group.creator(alice)
    return group, alice, bob


async def test_a_member_bot_sees_commands_and_replies_to_it_but_not_chatter(
    api: FakeBotApi, bot: Bot
) -> None:
    group, alice, bob = team(api)
    await bot.updates(allowed_updates=EVERYTHING)
    await group.add_bot(by=alice, admin=False)
    (added,) = await bot.updates()
    change = added["my_chat_member"]
    assert change["chat"] == {"id": GROUP, "type": "supergroup", "title": "Ward 7 team"}
    assert change["from"]["id"] == alice.id
    assert change["old_chat_member"] == {"status": "left", "user": api._bot_user()}
    assert change["new_chat_member"]["status"] == "member"

    await bob.say(group, "good morning")
    await alice.send_photo_to(group, "AgACphoto1", caption="the board")
    await bob.send_voice_to(group, "AwACvoice1")
    await bob.say(group, "/help@some_other_bot")
    command = await bob.say(group, "/start now")
    await alice.say(group, f"/help@{api.username}")
    mine = await bot.ok("sendMessage", chat_id=GROUP, text="Hello, team")
    await alice.say(group, "thanks", reply_to=mine["message_id"])
    await alice.say(group, "a reply to Bob", reply_to=command)

    seen = [update["message"] for update in await bot.updates()]
    assert [message["text"] for message in seen] == ["/start now", "/help@circle_test_bot", "thanks"]
    assert seen[0]["message_id"] == command
    assert seen[0]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert seen[0]["chat"] == group.chat
    assert seen[2]["reply_to_message"]["from"]["id"] == api.bot_id
    assert group.unseen == 5
    assert len(group.said) == 8

    await group.promote_bot(by=alice)
    (promoted,) = await bot.updates()
    assert promoted["my_chat_member"]["old_chat_member"]["status"] == "member"
    assert promoted["my_chat_member"]["new_chat_member"]["status"] == "administrator"
    await bob.say(group, "good afternoon")
    await bob.send_voice_to(group, "AwACvoice2", duration=9)
    plain, voice = (update["message"] for update in await bot.updates())
    assert plain["text"] == "good afternoon"
    assert voice["voice"] == {
        "file_id": "AwACvoice2",
        "file_unique_id": "AwACvoice2"[-8:],
        "duration": 9,
        "mime_type": "audio/ogg",
    }


async def test_chat_member_updates_only_for_an_admin_bot_that_asked(api: FakeBotApi, bot: Bot) -> None:
    group, alice, bob = team(api)
    carol = api.user(3, "Carol")
    await bot.updates()  # no allowed_updates: the default, without chat_member
    await group.add_bot(by=alice)
    await group.join(bob)
    assert kinds(await bot.updates()) == ["my_chat_member"]
    assert group.dropped_member_updates == 1
    assert api.dropped["chat_member"] == 1

    # A form, as PTB sends it: allowed_updates is a JSON string.
    form = {"offset": str(bot.offset), "timeout": "0", "allowed_updates": json.dumps(EVERYTHING)}
    async with bot.http.post(f"{api.root}/bot{TOKEN}/getUpdates", data=form) as response:
        assert (await response.json())["result"] == []
    assert api.allowed_updates == EVERYTHING
    assert await bot.updates() == []  # without allowed_updates: Telegram keeps the last ones
    await group.join(carol)
    await group.leave(bob)
    joined, left = (update["chat_member"] for update in await bot.updates())
    assert joined["old_chat_member"] == {"status": "left", "user": carol._from()}
    assert joined["new_chat_member"] == {"status": "member", "user": carol._from()}
    assert joined["from"]["id"] == carol.id
    assert left["old_chat_member"]["status"] == "member"
    assert left["new_chat_member"]["status"] == "left"

    await group.demote_bot(by=alice)
    assert kinds(await bot.updates()) == ["my_chat_member"]
    assert await group.join(bob) == 0  # asked, but no longer an administrator
    assert await bot.updates() == []
    assert group.dropped_member_updates == 2

    await bot.updates(allowed_updates=["message"])  # now my_chat_member is not wanted either
    await group.promote_bot(by=alice)
    assert await bot.updates() == []
    assert api.dropped["my_chat_member"] == 1


async def test_get_chat_member_and_administrators_report_statuses(api: FakeBotApi, bot: Bot) -> None:
    group, alice, bob = team(api)
    carol, dave, erin = api.user(3, "Carol"), api.user(4, "Dave"), api.user(5, "Erin")
    group.make_admin(bob, anonymous=True)
    await group.add_bot(by=alice)
    await group.join(carol)
    await group.join(dave)
    await group.leave(dave)

    async def status(user_id: int) -> dict[str, Any]:
        member: dict[str, Any] = await bot.ok("getChatMember", chat_id=GROUP, user_id=user_id)
        return member

    assert await status(alice.id) == {"status": "creator", "user": alice._from(), "is_anonymous": False}
    assert (await status(bob.id))["is_anonymous"] is True
    assert await status(carol.id) == {"status": "member", "user": carol._from()}
    assert (await status(dave.id))["status"] == "left"
    itself = await status(api.bot_id)
    assert itself["user"] == {
        "id": api.bot_id,
        "is_bot": True,
        "first_name": "circlebot",
        "username": api.username,
    }
    assert itself["status"] == "administrator"
    assert itself["can_be_edited"] is False
    assert itself["can_delete_messages"] is True

    unknown = await bot.call("getChatMember", chat_id=erin.id - 100999, user_id=alice.id)
    assert (unknown["error_code"], unknown["description"]) == (400, "Bad Request: chat not found")
    stranger = await bot.call("getChatMember", chat_id=GROUP, user_id=erin.id)
    assert (stranger["error_code"], stranger["description"]) == (400, "Bad Request: user not found")

    admins = await bot.ok("getChatAdministrators", chat_id=str(GROUP))
    assert admins[0] == await status(alice.id)
    assert {(a["user"]["id"], a["status"]) for a in admins[1:]} == {
        (bob.id, "administrator"),
        (api.bot_id, "administrator"),
    }


async def test_a_bot_out_of_the_group_gets_403_and_nothing_from_it(api: FakeBotApi, bot: Bot) -> None:
    group, alice, bob = team(api)
    never = await bot.call("sendMessage", chat_id=GROUP, text="hi")
    assert (never["error_code"], never["description"]) == (
        403,
        "Forbidden: bot is not a member of the supergroup chat",
    )
    await group.add_bot(by=alice, admin=False)
    sent = await bot.ok(
        "sendMessage",
        chat_id=GROUP,
        text="Ready?",
        reply_markup={"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]},
    )
    assert sent["chat"] == {"id": GROUP, "type": "supergroup", "title": "Ward 7 team"}
    private = await bot.ok("sendMessage", chat_id=alice.id, text="hello")
    assert private["chat"] == {"id": alice.id, "type": "private"}
    await bot.updates()

    await group.remove_bot(by=alice)
    (removed,) = await bot.updates()
    assert removed["my_chat_member"]["old_chat_member"]["status"] == "member"
    assert removed["my_chat_member"]["new_chat_member"] == {
        "status": "kicked",
        "user": api._bot_user(),
        "until_date": 0,
    }
    for method, params in [
        ("sendMessage", {"text": "still here?"}),
        ("editMessageText", {"message_id": sent["message_id"], "text": "Ready!"}),
        ("getChatMember", {"user_id": alice.id}),
    ]:
        refused = await bot.call(method, chat_id=GROUP, **params)
        assert (refused["error_code"], refused["description"]) == (
            403,
            "Forbidden: bot was kicked from the supergroup chat",
        )
    assert group.texts() == ["Ready?"]
    assert await bob.say(group, "/start") > 0
    assert await alice.press_in(group, "Yes") == 0
    assert await bot.updates() == []
    assert group.unseen == 1


async def test_group_rate_counts_the_busiest_sliding_window(api: FakeBotApi, bot: Bot) -> None:
    now = [1000.0]
    api.clock = lambda: now[0]
    group, alice, _ = team(api)
    await group.add_bot(by=alice)
    for second in [0, 10, 20, 30, 59.5, 60, 61, 150]:
        now[0] = 1000.0 + second
        await bot.ok("sendMessage", chat_id=GROUP, text=f"at {second}")
    await bot.ok("sendPoll", chat_id=GROUP, question="Shall we?", options=[{"text": "Yes"}, {"text": "No"}])
    assert api.group_rate(GROUP) == 6  # 10…61 (0 and 60 are a full minute apart)
    assert api.group_rate(GROUP, window=1.0) == 2  # 150 and the poll
    assert api.group_rate(GROUP, window=200) == 9

    first = api.sent_to(GROUP)[0]["message_id"]
    await bot.ok("editMessageText", chat_id=GROUP, message_id=first, text="edited")
    assert (await bot.call("sendMessage", chat_id=GROUP, text=" "))["error_code"] == 400
    await bot.ok("sendMessage", chat_id=alice.id, text="a private one")
    assert api.group_rate(GROUP, window=200) == 9
    assert api.group_rate(alice.id) == 1
    assert api.group_rate(-1) == 0
    assert [m["text"] for m in api.sent_to(GROUP)[:2]] == ["edited", "at 10"]


async def test_an_anonymous_admin_writes_as_the_group(api: FakeBotApi, bot: Bot) -> None:
    group, alice, _ = team(api)
    await group.add_bot(by=alice)
    await bot.updates()
    message_id = await api.anonymous_admin_says(group, "Reminder: data by Friday")
    (update,) = await bot.updates()
    message = update["message"]
    assert message["message_id"] == message_id
    assert message["from"] == {
        "id": 1087968824,
        "is_bot": True,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    }
    assert (
        message["sender_chat"]
        == message["chat"]
        == {"id": GROUP, "type": "supergroup", "title": "Ward 7 team"}
    )


async def test_buttons_edits_and_answers_in_a_group(api: FakeBotApi, bot: Bot) -> None:
    group, alice, bob = team(api)
    await group.add_bot(by=alice, admin=False)
    await bot.ok(
        "sendMessage",
        chat_id=GROUP,
        text="Log today's count?",
        reply_markup={"inline_keyboard": [[{"text": "Log 3", "callback_data": "log:3"}]]},
    )
    await bot.updates()
    await bob.press_in(group, "Log")
    (pressed,) = await bot.updates()
    query = pressed["callback_query"]
    assert query["from"]["id"] == bob.id
    assert query["data"] == "log:3"
    assert query["message"]["chat"]["type"] == "supergroup"
    assert (
        await bot.ok("answerCallbackQuery", callback_query_id=query["id"], text="Logged", show_alert=True)
        is True
    )
    assert api.button_answers == [
        {"callback_query_id": query["id"], "text": "Logged", "show_alert": True, "url": None}
    ]

    said = await bob.say(group, "/log 3")
    await bob.edit(group, said, "/log 4")
    await bob.edit(group, await bob.say(group, "typo"), "still chatter")
    command, edited = await bot.updates()
    assert command["message"]["text"] == "/log 3"
    assert edited["edited_message"]["message_id"] == said
    assert edited["edited_message"]["text"] == "/log 4"
    assert edited["edited_message"]["edit_date"] >= edited["edited_message"]["date"]
    with pytest.raises(AssertionError):
        await alice.edit(group, said, "not hers")


async def test_ptb_parses_the_group_updates(api: FakeBotApi, bot: Bot) -> None:
    group, alice, bob = team(api)
    await bot.updates(allowed_updates=EVERYTHING)
    await group.add_bot(by=alice)
    await group.join(bob)
    said = await bob.say(group, "first try")
    await bob.edit(group, said, "second try")
    await bot.ok(
        "sendMessage",
        chat_id=GROUP,
        text="Choose",
        reply_markup={"inline_keyboard": [[{"text": "One", "callback_data": "1"}]]},
    )
    await alice.press_in(group, "One")
    await api.anonymous_admin_says(group, "/summary")
    await group.demote_bot(by=alice)
    await group.remove_bot(by=alice)
    raw = await bot.updates()
    assert kinds(raw) == [
        "my_chat_member",
        "chat_member",
        "message",
        "edited_message",
        "callback_query",
        "message",
        "my_chat_member",
        "my_chat_member",
    ]
    ptb = telegram.Bot(TOKEN)
    added, joined, message, edited, pressed, anonymous, demoted, removed = (
        telegram.Update.de_json(update, ptb) for update in raw
    )
    assert added.my_chat_member is not None
    assert isinstance(added.my_chat_member.new_chat_member, telegram.ChatMemberAdministrator)
    assert added.my_chat_member.new_chat_member.status == "administrator"
    assert added.my_chat_member.old_chat_member.status == "left"
    assert added.effective_chat is not None
    assert (added.effective_chat.type, added.effective_chat.title) == ("supergroup", "Ward 7 team")
    assert joined.chat_member is not None
    assert isinstance(joined.chat_member.new_chat_member, telegram.ChatMemberMember)
    assert joined.chat_member.new_chat_member.user.id == bob.id
    assert message.message is not None
    assert message.message.text == "first try"
    assert edited.edited_message is not None
    assert edited.edited_message.text == "second try"
    assert edited.edited_message.edit_date is not None
    assert pressed.callback_query is not None
    assert pressed.callback_query.data == "1"
    assert isinstance(pressed.callback_query.message, telegram.Message)
    assert pressed.callback_query.message.chat.type == "supergroup"
    assert anonymous.message is not None
    assert anonymous.message.sender_chat is not None
    assert anonymous.message.sender_chat.id == GROUP
    assert anonymous.effective_user is not None
    assert anonymous.effective_user.username == "GroupAnonymousBot"
    assert demoted.my_chat_member is not None
    assert demoted.my_chat_member.new_chat_member.status == "member"
    assert removed.my_chat_member is not None
    assert isinstance(removed.my_chat_member.new_chat_member, telegram.ChatMemberBanned)
    assert removed.my_chat_member.new_chat_member.status == "kicked"

    # What the Bot API methods return parses too: ChatMember objects and a poll.
    group.members[api.bot_id] = "administrator"
    creator = telegram.ChatMember.de_json(await bot.ok("getChatMember", chat_id=GROUP, user_id=alice.id), ptb)
    assert isinstance(creator, telegram.ChatMemberOwner)
    poll = await bot.ok(
        "sendPoll", chat_id=GROUP, question="Shall we?", options=[{"text": "Yes"}, {"text": "No"}]
    )
    parsed = telegram.Message.de_json(poll, ptb)
    assert parsed.poll is not None
    assert [option.text for option in parsed.poll.options] == ["Yes", "No"]


async def test_ptb_itself_over_http(api: FakeBotApi) -> None:
    """PTB's own wire format: allowed_updates as a JSON string in a form, flags as "true"."""
    group, alice, bob = team(api)
    async with telegram.Bot(TOKEN, base_url=f"{api.root}/bot") as ptb:
        assert await ptb.get_updates(timeout=0, allowed_updates=EVERYTHING) == ()
        await group.add_bot(by=alice)
        await group.join(bob)
        added, joined = await ptb.get_updates(timeout=0)
        assert added.my_chat_member is not None and joined.chat_member is not None
        assert joined.chat_member.new_chat_member.user.id == bob.id
        itself = await ptb.get_chat_member(GROUP, api.bot_id)
        assert isinstance(itself, telegram.ChatMemberAdministrator)
        assert [admin.status for admin in await ptb.get_chat_administrators(GROUP)] == [
            "creator",
            "administrator",
        ]
        sent = await ptb.send_message(GROUP, "Hello, team")
        assert (sent.chat.type, sent.chat.title) == ("supergroup", "Ward 7 team")
        poll = await ptb.send_poll(GROUP, "Shall we?", ["Yes", "No"])
        assert poll.poll is not None and poll.poll.allows_revoting
        assert await ptb.answer_callback_query("42", text="Done", show_alert=True)
        assert api.button_answers[-1] == {
            "callback_query_id": "42",
            "text": "Done",
            "show_alert": True,
            "url": None,
        }
        await group.remove_bot(by=alice)
        with pytest.raises(telegram.error.Forbidden, match="kicked from the supergroup"):
            await ptb.send_message(GROUP, "Still here?")
    assert api.group_rate(GROUP) == 2


BASIC = -4001


async def test_a_basic_group_upgraded_to_a_supergroup_moves_like_telegrams(api: FakeBotApi, bot: Bot) -> None:
    """The upgrade: a new -100… chat with everyone in it (the bot keeps its rights), message ids
    that start again, the two service messages (each in its own chat, even to a bot in privacy
    mode), and 400 with migrate_to_chat_id for every call to the old id."""
    group = api.group(BASIC, "Ward 7 team", basic=True)
    alice, bob = api.user(1, "Alice"), api.user(2, "Bob")
    group.creator(alice)
    await group.add_bot(by=alice, admin=False)
    await bot.updates()
    before = await bot.ok("sendMessage", chat_id=BASIC, text="Hello")
    assert before["chat"] == {"id": BASIC, "type": "group", "title": "Ward 7 team"}
    await bob.say(group, "/start")
    await bot.updates()

    new = await group.migrate(alice)
    assert new.chat_id == -1_000_000_004_001 and new.bot_status == "member"
    assert new.members[alice.id] == "creator" and new.members[bob.id] == "member"
    to, came = await bot.updates()
    assert to["message"]["chat"]["id"] == BASIC and to["message"]["migrate_to_chat_id"] == new.chat_id
    assert came["message"]["chat"] == {"id": new.chat_id, "type": "supergroup", "title": "Ward 7 team"}
    assert came["message"]["migrate_from_chat_id"] == BASIC and came["message"]["message_id"] == 1
    assert await bob.say(new, "/start") == 2  # the supergroup's own numbering
    await bot.updates()
    for method, params in [
        ("sendMessage", {"text": "still there?"}),
        ("editMessageText", {"message_id": before["message_id"], "text": "Hello!"}),
        ("getChatMember", {"user_id": alice.id}),
    ]:
        refused = await bot.call(method, chat_id=BASIC, **params)
        assert refused == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": new.chat_id},
        }
    sent = await bot.ok("sendMessage", chat_id=new.chat_id, text="Hello again")
    assert sent["message_id"] == 3 and new.texts() == ["Hello again"] and group.texts() == ["Hello"]
    with pytest.raises(AssertionError):
        await bob.say(group, "too late")  # the old group is closed

    assert await group.tell_moved("from") > 0  # a notice again, as a test may ask
    (again,) = await bot.updates()
    assert again["message"]["migrate_from_chat_id"] == BASIC


async def test_an_upgrade_can_tell_one_notice_or_none_and_ptb_raises_chat_migrated(api: FakeBotApi) -> None:
    group = api.group(BASIC, "Ward 7 team", basic=True)
    alice = api.user(1, "Alice")
    group.creator(alice)
    async with telegram.Bot(TOKEN, base_url=f"{api.root}/bot") as ptb:
        await group.add_bot(by=alice)
        (added,) = await ptb.get_updates(timeout=0)
        new = await group.migrate(alice, notices=("from",), first_message_id=40)
        (came,) = await ptb.get_updates(timeout=0, offset=added.update_id + 1)
        assert came.message is not None and came.message.migrate_from_chat_id == BASIC
        assert came.message.message_id == 40 and came.effective_chat is not None
        assert came.effective_chat.id == new.chat_id
        with pytest.raises(telegram.error.ChatMigrated) as moved:
            await ptb.send_message(BASIC, "Hello")
        assert moved.value.new_chat_id == new.chat_id
    quiet = api.group(-4002, "Quiet", basic=True)
    quiet.creator(alice)
    await quiet.add_bot(by=alice)
    updates = len(api._updates)
    await quiet.migrate(alice, notices=())
    assert len(api._updates) == updates  # only the 400 will tell
    with pytest.raises(AssertionError):
        await quiet.migrate(alice)  # upgraded once already
    with pytest.raises(AssertionError):
        await api.group(GROUP, "A supergroup").migrate(alice)
