"""The project's own Bot API fake: a small aiohttp server on 127.0.0.1 that plays Telegram and
its users.

It answers like the real Bot API at {root}/bot{token}/{method}: a wrong token gets 401, an
unknown method 404, a malformed call 400 with Telegram's wording. People (`FakeUser`) send
messages and press buttons; their updates are handed out by getUpdates (long polling) or
POSTed to the webhook with its secret-token header. Every call is recorded, so tests check
what the bot really sent over HTTP. It runs in the caller's event loop, or on its own thread
for synchronous callers (the CLI tests).

Groups (`FakeGroup`, a supergroup, or a basic group) keep everyone's status, the bot's too, and
show the bot only what Telegram would: privacy mode for a bot that is not an administrator,
chat_member updates only for an administrator that asked for them in allowed_updates, nothing
once it is removed. A basic group can be upgraded to a supergroup (`FakeGroup.migrate`): a new
chat id whose message ids start again, the two service messages, and Telegram's 400 with
`migrate_to_chat_id` to any call for the old id from then on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Status = Literal["creator", "administrator", "member", "left", "kicked"]
Notice = Literal["to", "from"]  # a group's upgrade: migrate_to_chat_id (old chat), migrate_from_chat_id (new)
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
NO_ANSWER = 0  # FakeBotApi.outage: connections dropped unanswered
# The calls that post or change a message in a chat (what a held chat keeps waiting).
POSTS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendPoll", "editMessageText", "editMessageReplyMarkup"}
)

PRESENT: tuple[Status, ...] = ("creator", "administrator", "member")
ADMINS: tuple[Status, ...] = ("creator", "administrator")
# What a bot gets when allowed_updates was never given, or given as []: all but these.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Who Telegram says wrote a message an anonymous administrator posted as the group.
ANONYMOUS_ADMIN: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
# An administrator's rights as Telegram lists them for a supergroup; PTB needs them all but the
# last two to parse a ChatMemberAdministrator.
ADMIN_RIGHTS: dict[str, bool] = {
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
    "can_manage_topics": False,
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        description: str,
        retry_after: float | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def parameters(self) -> dict[str, Any]:
        """Telegram's ResponseParameters, when it has any to give."""
        given = {"retry_after": self.retry_after, "migrate_to_chat_id": self.migrate_to_chat_id}
        return {key: value for key, value in given.items() if value is not None}


@dataclass
class Limits:
    """Telegram's sending limits, enforced with sliding windows; `scale` speeds them up (the
    inbound benchmark runs them ×100 so that it measures handling, not the limits)."""

    overall_per_second: float = 30
    per_chat_per_second: float = 1
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    scale: float = 1.0
    exceeded: Counter[str] = field(default_factory=Counter)  # which limit each 429 was for
    _overall: deque[float] = field(default_factory=deque)
    _chats: dict[int, deque[float]] = field(default_factory=dict)

    def check(self, chat_id: int, now: float) -> float | None:
        """None if a message may go now; else the seconds to wait (Telegram's retry_after)."""
        overall = _wait(self._overall, int(self.overall_per_second), 1.0 / self.scale, now)
        chat = _chat_wait(self, chat_id, now)
        if max(overall, chat) > 0:
            self.exceeded["overall" if overall >= chat else "chat"] += 1
            return max(overall, chat)
        self._overall.append(now)
        self._chats.setdefault(chat_id, deque()).append(now)
        return None


def _wait(window: deque[float], limit: int, span: float, now: float) -> float:
    while window and window[0] <= now - span:
        window.popleft()
    return 0.0 if len(window) < limit else window[0] + span - now


def _chat_wait(limits: Limits, chat_id: int, now: float) -> float:
    window = limits._chats.setdefault(chat_id, deque())
    if chat_id < 0:  # a group
        return _wait(window, limits.per_group_per_minute, 60.0 / limits.scale, now)
    span = limits.per_chat_burst / limits.per_chat_per_second / limits.scale
    return _wait(window, limits.per_chat_burst, span, now)


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi:
    token: str
    username: str = "circle_test_bot"
    bot_id: int = 7000001
    calls: list[Call] = field(default_factory=list)
    chats: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # what the bot sent, per chat
    commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # menus, per chat scope
    blocked: set[int] = field(default_factory=set)  # people who blocked the bot: 403
    limits: Limits | None = None  # Telegram's rate limits, when a test asks for them
    throttled: int = 0  # how many calls got 429
    webhook: tuple[str, str | None] | None = None  # (url, secret token)
    port: int = 0
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _http: aiohttp.ClientSession | None = None
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id -> what was uploaded
    file_names: dict[str, str] = field(default_factory=dict)  # file id -> a document's file name
    _names: dict[str, str] = field(default_factory=dict)  # the upload in hand: field -> file name
    fail_next: list[int] = field(default_factory=list)  # the next calls (not getUpdates) get these 5xx
    # Telegram or the way to it down, until set back to None: every call fails, with this 5xx,
    # or (NO_ANSWER) its connection is dropped unanswered, as in a network outage.
    outage: int | None = None
    handed_out: dict[int, float] = field(default_factory=dict)  # update id -> when the bot got it
    activity: dict[int, list[float]] = field(default_factory=dict)  # chat -> when it got a message or edit
    _activity_events: dict[int, asyncio.Event] = field(default_factory=dict)
    groups: dict[int, FakeGroup] = field(default_factory=dict)  # chat id -> the group
    moved: dict[int, int] = field(default_factory=dict)  # a basic group's old id -> its supergroup's
    allowed_updates: list[str] | None = None  # the bot's last allowed_updates; None: the default
    dropped: Counter[str] = field(default_factory=Counter)  # update type -> not wanted by the bot
    button_answers: list[dict[str, Any]] = field(default_factory=list)  # answerCallbackQuery calls
    # When (on `clock`, which a benchmark may simulate) each message to a chat was accepted.
    clock: Callable[[], float] = time.monotonic
    sent_at: dict[int, list[float]] = field(default_factory=dict)
    # Chats whose messages wait unanswered until released, as if their minute were full.
    _held: dict[int, asyncio.Event] = field(default_factory=dict)
    on_hold: Counter[int] = field(default_factory=Counter)  # chat -> its messages waiting now

    @property
    def root(self) -> str:
        """What TELEGRAM_API_URL is set to, to talk to this fake."""
        return f"http://127.0.0.1:{self.port}"

    def user(self, user_id: int, first_name: str, language_code: str = "en") -> FakeUser:
        return FakeUser(self, user_id, first_name, language_code)

    def group(self, chat_id: int, title: str, basic: bool = False) -> FakeGroup:
        """A supergroup (a negative id, like -100123), or a basic group that can later be
        upgraded to one, that the bot is not in yet."""
        if chat_id >= 0:
            raise ValueError(f"a group's chat id is negative, not {chat_id}")
        self.groups[chat_id] = FakeGroup(self, chat_id, title, "group" if basic else "supergroup")
        return self.groups[chat_id]

    def _not_moved(self, chat_id: int) -> None:
        """Telegram's 400 for a call to a group that became a supergroup, naming its new id."""
        if chat_id in self.moved:
            raise ApiError(400, UPGRADED, migrate_to_chat_id=self.moved[chat_id])

    def hold(self, chat_id: int) -> None:
        """From now on, every message or edit the bot sends to this chat arrives (it is in
        `calls`) but gets no answer until `release`: the chat's window is full for as long."""
        self._held[chat_id] = asyncio.Event()

    def release(self, chat_id: int) -> None:
        """The held messages are taken, in the order they arrived, and the chat is free again."""
        self._held.pop(chat_id).set()

    async def _wait_if_held(self, method: str, params: dict[str, Any]) -> None:
        raw = str(params.get("chat_id", ""))
        gate = self._held.get(int(raw)) if raw.lstrip("-").isdigit() and method in POSTS else None
        if gate is None:
            return
        chat_id = int(raw)
        self.on_hold[chat_id] += 1
        await self._notify()
        try:
            await gate.wait()
        finally:
            self.on_hold[chat_id] -= 1

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent to this chat, as recorded (edits applied)."""
        return self.chats.get(chat_id, [])

    def group_rate(self, chat_id: int, window: float = 60.0) -> int:
        """The most messages the bot got accepted in this chat within any `window` seconds of
        `clock` (edits and refused sends do not count): to check the 20-a-minute group limit."""
        times = sorted(self.sent_at.get(chat_id, []))
        most = first = 0
        for last, now in enumerate(times):
            while times[first] <= now - window:
                first += 1
            most = max(most, last - first + 1)
        return most

    async def anonymous_admin_says(self, group: FakeGroup, text: str) -> int:
        """A message from an administrator who posts as the group: Telegram names a bot as its
        sender and the group as sender_chat. Its message id."""
        return await group._post(group._message(dict(ANONYMOUS_ADMIN), sender_chat=group.chat, **_text(text)))

    # --- the Bot API side ------------------------------------------------------------------

    def methods(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._true,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendPoll": self._send_poll,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }

    async def _true(self, params: dict[str, Any]) -> Any:
        return True

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "circlebot", "username": self.username}

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        self._allow(params)
        offset = int(params.get("offset", 0) or 0)
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)  # short polls keep tests quick
        assert self._changed is not None
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
            batch = [u for u in self._updates if u["update_id"] >= offset][
                : int(params.get("limit", 100) or 100)
            ]
        now = time.perf_counter()
        for update in batch:
            self.handed_out.setdefault(update["update_id"], now)
        return batch

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = (params["url"], params.get("secret_token"))
        self._allow(params)
        return True

    def _allow(self, params: dict[str, Any]) -> None:
        """Telegram keeps the last allowed_updates it was given; a call without it changes nothing."""
        raw = params.get("allowed_updates")
        if raw is not None:
            self.allowed_updates = list(json.loads(raw) if isinstance(raw, str) else raw)

    def wants(self, kind: str) -> bool:
        """Whether the bot's allowed_updates let Telegram create an update of this type."""
        if not self.allowed_updates:  # never given, or []: the default
            return kind not in NOT_BY_DEFAULT
        return kind in self.allowed_updates

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook[0] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _chat_id(self, params: dict[str, Any]) -> int:
        raw = params.get("chat_id")
        if raw is None or not str(raw).lstrip("-").isdigit():
            raise ApiError(400, "Bad Request: chat not found")
        chat_id = int(raw)
        self._not_moved(chat_id)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        group = self.groups.get(chat_id)
        if group is not None:
            group.let_bot_in()
        return chat_id

    def _chat(self, chat_id: int) -> dict[str, Any]:
        group = self.groups.get(chat_id)
        return group.chat if group is not None else {"id": chat_id, "type": "private"}

    def _bot_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        group = self.groups.get(chat_id)
        return {
            "message_id": next(self._message_ids) if group is None else group.next_message_id(),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._bot_user(),
            **content,
        }

    @staticmethod
    def _markup(params: dict[str, Any]) -> Any:
        markup = params.get("reply_markup")
        return json.loads(markup) if isinstance(markup, str) else markup

    def _throttle(self, chat_id: int) -> None:
        if self.limits is None:
            return
        wait = self.limits.check(chat_id, time.monotonic())
        if wait is not None:
            self.throttled += 1
            # Telegram says whole seconds; when the limits run ×scale, so does its clock.
            seconds = math.ceil(wait * self.limits.scale)
            retry_after = seconds if self.limits.scale == 1 else seconds / self.limits.scale
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=retry_after)

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params)
        self._throttle(chat_id)
        text = params.get("text", params.get("caption", ""))
        if "text" in params and not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(str(text)) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        message = self._bot_message(chat_id, text=text)
        markup = self._markup(params)
        if markup:
            message["reply_markup"] = markup
        await self._record(chat_id, message)
        return message

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        """A photo is an upload (a new file id is issued) or the file id of one sent before."""
        photo = params.get("photo")
        if isinstance(photo, bytes):
            file_id = f"AgACfake{next(self._message_ids)}"
            self.uploads[file_id] = photo
        elif isinstance(photo, str) and photo in self.uploads:
            file_id = photo
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if len(str(params.get("caption", ""))) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        message = await self._send_message({k: v for k, v in params.items() if k != "photo"})
        message["photo"] = [{"file_id": file_id, "file_unique_id": file_id[-8:], "width": 800, "height": 600}]
        return message

    async def _send_document(self, params: dict[str, Any]) -> Any:
        """A document is an upload under its file name (kept, like a photo, by a new file id)."""
        document = params.get("document")
        if not isinstance(document, bytes):
            raise ApiError(400, "Bad Request: there is no document in the request")
        file_id = f"BQACfake{next(self._message_ids)}"
        self.uploads[file_id] = document
        self.file_names[file_id] = self._names.pop("document", "document")
        message = await self._send_message({k: v for k, v in params.items() if k != "document"})
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "file_name": self.file_names[file_id],
        }
        return message

    async def _send_poll(self, params: dict[str, Any]) -> Any:
        """A poll (no one votes in this fake); PTB 22.8 needs allows_revoting, members_only and
        each option's persistent_id to parse it."""
        chat_id = self._chat_id(params)
        question = str(params.get("question") or "")
        if not question.strip():
            raise ApiError(400, "Bad Request: poll question must be non-empty")
        raw = params.get("options") or []
        options: list[Any] = json.loads(raw) if isinstance(raw, str) else raw
        if not options:
            raise ApiError(400, "Bad Request: poll must have at least 1 option")
        if len(options) > 12:
            raise ApiError(400, "Bad Request: poll can't have more than 12 options")
        self._throttle(chat_id)
        kind = str(params.get("type") or "regular")
        message = self._bot_message(chat_id)
        message["poll"] = {
            "id": f"poll{message['message_id']}",
            "question": question,
            "options": [
                {
                    "text": str(o["text"] if isinstance(o, dict) else o),
                    "voter_count": 0,
                    "persistent_id": str(n),
                }
                for n, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": _flag(params.get("is_closed"), False),
            "is_anonymous": _flag(params.get("is_anonymous"), True),
            "type": kind,
            "allows_multiple_answers": _flag(params.get("allows_multiple_answers"), False),
            "allows_revoting": _flag(params.get("allows_revoting"), kind != "quiz"),
            "members_only": _flag(params.get("members_only"), False),
        }
        markup = self._markup(params)
        if markup:
            message["reply_markup"] = markup
        await self._record(chat_id, message)
        return message

    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        """Kept, so tests see what a pressed button said back (a toast, an alert, a link)."""
        self.button_answers.append(
            {
                "callback_query_id": params.get("callback_query_id"),
                "text": params.get("text"),
                "show_alert": _flag(params.get("show_alert"), False),
                "url": params.get("url"),
            }
        )
        await self._notify()
        return True

    def _group(self, params: dict[str, Any]) -> FakeGroup:
        """The group a call is about: 400 for a chat Telegram does not know, 403 if the bot is out."""
        raw = str(params.get("chat_id", ""))
        group = self.groups.get(int(raw)) if raw.lstrip("-").isdigit() else None
        if group is not None:
            self._not_moved(group.chat_id)
        if group is None:
            raise ApiError(400, "Bad Request: chat not found")
        group.let_bot_in()
        return group

    async def _get_chat_member(self, params: dict[str, Any]) -> Any:
        group = self._group(params)
        raw = str(params.get("user_id", ""))
        if not raw.isdigit():
            raise ApiError(400, "Bad Request: invalid user_id specified")
        return group.member(int(raw))

    async def _get_chat_administrators(self, params: dict[str, Any]) -> Any:
        """The creator and administrators; other bots only with return_bots (there are none here)."""
        group = self._group(params)
        order = sorted(group.members, key=lambda user_id: group.members[user_id] != "creator")
        return [group.member(user_id) for user_id in order if group.members[user_id] in ADMINS]

    def _find(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message_id = int(params.get("message_id", 0))
        for message in self.chats.get(chat_id, []):
            if message["message_id"] == message_id:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        self._throttle(int(params["chat_id"]))
        markup = self._markup(params)
        if message["text"] == params.get("text") and message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = params.get("text")
        message["reply_markup"] = markup
        message["edited"] = True
        await self._touched(int(params["chat_id"]))
        return message

    async def _edit_reply_markup(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        message["reply_markup"] = self._markup(params)
        await self._notify()
        return message

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        scope = params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else (scope or {"type": "default"})
        commands = params.get("commands") or []
        parsed: list[dict[str, Any]] = json.loads(commands) if isinstance(commands, str) else commands
        self.commands[int(scope.get("chat_id", 0))] = parsed
        await self._notify()
        return True

    async def _get_file(self, params: dict[str, Any]) -> Any:
        return {"file_id": params.get("file_id"), "file_unique_id": "u", "file_path": "photos/file_0.jpg"}

    async def _record(self, chat_id: int, message: dict[str, Any]) -> None:
        self.chats.setdefault(chat_id, []).append(message)
        self.sent_at.setdefault(chat_id, []).append(self.clock())
        await self._touched(chat_id)

    async def _touched(self, chat_id: int) -> None:
        self.activity.setdefault(chat_id, []).append(time.perf_counter())
        event = self._activity_events.get(chat_id)
        if event is not None:
            event.set()
        await self._notify()

    async def wait_for_activity(self, chat_id: int, count: int, seconds: float = 15) -> None:
        """Until the bot has sent or edited `count` messages in this chat (a per-chat wait, so
        a crowd of people waiting does not wake each other)."""
        deadline = time.monotonic() + seconds
        while len(self.activity.get(chat_id, [])) < count:
            event = self._activity_events.setdefault(chat_id, asyncio.Event())
            event.clear()
            await asyncio.wait_for(event.wait(), max(0.0, deadline - time.monotonic()))

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _dispatch(self, request: web.Request) -> web.Response:
        if self.outage == NO_ANSWER and request.transport is not None:
            request.transport.close()  # the client sees its connection drop, with no answer
        if self.outage is not None:
            return web.json_response(
                {"ok": False, "error_code": self.outage, "description": "Bad Gateway"}, status=self.outage
            )
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:  # a form; uploaded files arrive as their bytes
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        self._names[key] = value.filename
                    params[key] = value.file.read() if isinstance(value, web.FileField) else value
        self.calls.append(Call(method, params))
        await self._notify()
        await self._wait_if_held(method, params)
        if self.fail_next and method != "getUpdates":
            status = self.fail_next.pop(0)
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Bad Gateway"}, status=status
            )
        handler = self.methods().get(method)
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
        except ApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters():
                body["parameters"] = error.parameters()
            return web.json_response(body, status=error.status)
        except (KeyError, ValueError) as error:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}, status=400
            )
        return web.json_response({"ok": True, "result": result})

    # --- the users' side --------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> int:
        """A new update from a person: queued for getUpdates, or POSTed to the webhook; its id.
        0 if the bot's allowed_updates exclude its type: Telegram does not create it then."""
        kind = next((key for key in update if key != "update_id"), "")
        if not self.wants(kind):
            self.dropped[kind] += 1
            return 0
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook is not None:
            url, secret = self.webhook
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            assert self._http is not None
            self.handed_out[update["update_id"]] = time.perf_counter()
            async with self._http.post(url, json=update, headers=headers) as response:
                response.raise_for_status()
            return int(update["update_id"])
        assert self._changed is not None
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    async def wait_until(self, condition: Callable[[], bool], seconds: float = 15) -> None:
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), seconds)

    # --- running ------------------------------------------------------------------------------

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        await web.SockSite(self._runner, listener).start()

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def start_in_thread(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self.stop())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop_thread(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]


@dataclass
class FakeUser:
    """A person in a private chat with the bot."""

    api: FakeBotApi
    id: int
    first_name: str
    language_code: str = "en"
    _seen: int = 0

    def _from(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self.api._message_ids),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
            "from": self._from(),
            **content,
        }

    async def send(self, text: str) -> int:
        return await self.api.push({"message": self._message(**_text(text))})

    def message_update(self, text: str) -> dict[str, Any]:
        """A message of hers as Telegram delivers it, for a test to POST to a webhook itself."""
        return {"update_id": next(self.api._update_ids), "message": self._message(**_text(text))}

    async def send_sticker(self) -> None:
        sticker = {
            "file_id": "STK",
            "file_unique_id": "stk",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        await self.api.push({"message": self._message(sticker=sticker)})

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.api.chats.get(self.id, [])

    async def press(self, label: str) -> int:
        """Press the newest button whose label starts with `label`."""
        for message in reversed(self.messages):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"].startswith(label):
                        return await self.press_data(button["callback_data"], message)
        raise AssertionError(f"no button {label!r} in {self.first_name}'s chat")

    async def press_data(self, data: str, message: dict[str, Any] | None = None) -> int:
        query = {
            "id": str(next(self.api._update_ids) * 7),
            "from": self._from(),
            "chat_instance": str(self.id),
            "data": data,
            "message": message or self.messages[-1],
        }
        return await self.api.push({"callback_query": query})

    # --- in groups ---------------------------------------------------------------------------

    async def say(self, group: FakeGroup, text: str, reply_to: int | None = None) -> int:
        """Write in a group (a reply to its message `reply_to`, if given); the message id."""
        content = _text(text)
        if reply_to is not None:
            replied = group.find(reply_to)  # Telegram nests one level only
            content["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        return await group._post(group._message(group._speaker(self), **content))

    async def send_photo_to(self, group: FakeGroup, file_id: str, caption: str | None = None) -> int:
        photo = [{"file_id": file_id, "file_unique_id": file_id[-8:], "width": 1280, "height": 960}]
        content: dict[str, Any] = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return await group._post(group._message(group._speaker(self), **content))

    async def edit_caption(self, group: FakeGroup, message_id: int, caption: str) -> int:
        """Edit the caption of one's own photo in a group: an edited_message update that carries
        the photo and its new caption, no text (its id, 0 if unseen)."""
        original = group.find(message_id)
        if original["from"]["id"] != self.id or "photo" not in original:
            raise AssertionError(f"{self.first_name} sent no photo as message {message_id}")
        edited = {**original, "caption": caption, "edit_date": int(time.time())}
        group.said[group.said.index(original)] = edited
        return await group._deliver("edited_message", edited)

    async def send_voice_to(self, group: FakeGroup, file_id: str, duration: int = 5) -> int:
        voice = {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        return await group._post(group._message(group._speaker(self), voice=voice))

    async def edit(self, group: FakeGroup, message_id: int, text: str) -> int:
        """Edit one's own message in a group: an edited_message update (its id, 0 if unseen)."""
        original = group.find(message_id)
        if original["from"]["id"] != self.id:
            raise AssertionError(f"{self.first_name} did not write message {message_id}")
        edited = {key: value for key, value in original.items() if key not in ("text", "entities")}
        edited.update(_text(text), edit_date=int(time.time()))
        group.said[group.said.index(original)] = edited
        return await group._deliver("edited_message", edited)

    async def press_in(self, group: FakeGroup, label: str) -> int:
        """Press the newest button in the group whose label starts with `label` (its update id,
        0 if the bot is no longer there to get it)."""
        for message in reversed(group.messages):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"].startswith(label):
                        return await group._press(self, button["callback_data"], message)
        raise AssertionError(f"no button {label!r} in {group.title}")

    async def replies(self, count: int = 1, seconds: float = 15) -> list[str]:
        """Wait for `count` new messages from the bot; their texts."""
        await self.api.wait_until(lambda: len(self.messages) >= self._seen + count, seconds)
        fresh = self.messages[self._seen :]
        self._seen = len(self.messages)
        return [message.get("text", "") for message in fresh]  # a poll has none


@dataclass
class FakeGroup:
    """A supergroup: everyone's status in it, the bot's too, and the updates Telegram would
    give the bot about it. Made by `FakeBotApi.group`; people join, leave and write there."""

    api: FakeBotApi = field(repr=False, compare=False)
    chat_id: int
    title: str
    kind: Literal["group", "supergroup"] = "supergroup"
    members: dict[int, Status] = field(default_factory=dict)  # user id -> status, the bot's too
    people: dict[int, dict[str, Any]] = field(default_factory=dict)  # user id -> User object
    anonymous: set[int] = field(default_factory=set)  # administrators who post as the group
    said: list[dict[str, Any]] = field(default_factory=list)  # what people wrote, seen by the bot or not
    unseen: int = 0  # messages the bot did not get (privacy mode, or not in the group)
    dropped_member_updates: int = 0  # chat_member updates Telegram would not deliver
    moved_to: int | None = None  # upgraded: the supergroup's chat id
    moved_by: FakeUser | None = None  # who upgraded it
    # A supergroup made by an upgrade numbers its messages afresh; other groups use the fake's
    # one sequence (as a basic group shares its ids with private chats).
    message_ids: itertools.count[int] | None = None

    def __post_init__(self) -> None:
        self.people[self.api.bot_id] = self.api._bot_user()
        self.members[self.api.bot_id] = "left"

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "type": self.kind, "title": self.title}

    def next_message_id(self) -> int:
        return next(self.message_ids if self.message_ids is not None else self.api._message_ids)

    @property
    def bot_status(self) -> Status:
        return self.members[self.api.bot_id]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """What the bot posted here."""
        return self.api.chats.get(self.chat_id, [])

    def texts(self) -> list[str]:
        return [str(message.get("text", "")) for message in self.messages]

    def member(self, user_id: int) -> dict[str, Any]:
        """The ChatMember object for this person's (or the bot's) status, as getChatMember gives it."""
        user = self.people.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        status = self.members.get(user_id, "left")
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = user_id in self.anonymous
        elif status == "administrator":  # the bot can change none of these rights, its own neither
            member.update(can_be_edited=False, is_anonymous=user_id in self.anonymous, **ADMIN_RIGHTS)
        elif status == "kicked":
            member["until_date"] = 0  # banned for ever
        return member

    def find(self, message_id: int) -> dict[str, Any]:
        """A message in this group, the bot's or a person's."""
        for message in [*self.messages, *self.said]:
            if message["message_id"] == message_id:
                return message
        raise AssertionError(f"no message {message_id} in {self.title}")

    def let_bot_in(self) -> None:
        """Telegram's 403 for a bot calling about a group it is not in."""
        if self.bot_status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if self.bot_status not in PRESENT:
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")

    # --- set-up, without updates -------------------------------------------------------------

    def creator(self, user: FakeUser, anonymous: bool = False) -> None:
        self._set(user, "creator", anonymous)

    def make_admin(self, user: FakeUser, anonymous: bool = False) -> None:
        self._set(user, "administrator", anonymous)

    def _set(self, user: FakeUser, status: Status, anonymous: bool = False) -> None:
        self.people[user.id] = user._from()
        self.members[user.id] = status
        if anonymous:
            self.anonymous.add(user.id)
        else:
            self.anonymous.discard(user.id)

    # --- the bot's own status: my_chat_member --------------------------------------------------

    async def add_bot(self, by: FakeUser, admin: bool = True) -> int:
        """Someone adds the bot, as an administrator or a plain member; the update id."""
        return await self._bot_becomes("administrator" if admin else "member", by)

    async def promote_bot(self, by: FakeUser) -> int:
        return await self._bot_becomes("administrator", by)

    async def demote_bot(self, by: FakeUser) -> int:
        return await self._bot_becomes("member", by)

    async def remove_bot(self, by: FakeUser) -> int:
        """Someone removes the bot: Telegram bans it ("kicked") and still tells it so."""
        return await self._bot_becomes("kicked", by)

    async def _bot_becomes(self, status: Status, by: FakeUser) -> int:
        old = self.member(self.api.bot_id)
        self.members[self.api.bot_id] = status
        return await self.api.push({"my_chat_member": self._change(by, old, self.member(self.api.bot_id))})

    # --- people's status: chat_member -----------------------------------------------------------

    async def join(self, user: FakeUser, admin: bool = False) -> int:
        """The update id, or 0 if Telegram would not tell the bot (see `_member_changed`)."""
        return await self._member_changed(user, "administrator" if admin else "member")

    async def leave(self, user: FakeUser) -> int:
        return await self._member_changed(user, "left")

    async def _member_changed(self, user: FakeUser, status: Status) -> int:
        """A chat_member update goes only to an administrator bot that asked for chat_member in
        allowed_updates; the others are counted in `dropped_member_updates`."""
        self.people[user.id] = user._from()
        old = self.member(user.id)
        self.members[user.id] = status
        update_id = 0
        if self.bot_status in ADMINS:
            update_id = await self.api.push({"chat_member": self._change(user, old, self.member(user.id))})
        if not update_id:
            self.dropped_member_updates += 1
        return update_id

    def _change(self, by: FakeUser, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """A ChatMemberUpdated object."""
        self.people.setdefault(by.id, by._from())
        return {
            "chat": self.chat,
            "from": by._from(),
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": new,
        }

    # --- messages -----------------------------------------------------------------------------

    def _speaker(self, user: FakeUser) -> dict[str, Any]:
        """The `from` of a person's message; someone the group never saw was a member already."""
        if self.moved_to is not None:
            raise AssertionError(f"{self.title} was upgraded: people write in {self.moved_to} now")
        self.people[user.id] = user._from()
        if self.members.setdefault(user.id, "member") not in PRESENT:
            raise AssertionError(f"{user.first_name} is not in {self.title}")
        return self.people[user.id]

    def _message(self, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.next_message_id(),
            "date": int(time.time()),
            "chat": self.chat,
            "from": sender,
            **content,
        }

    async def _post(self, message: dict[str, Any]) -> int:
        self.said.append(message)
        await self._deliver("message", message)
        return int(message["message_id"])

    async def _deliver(self, kind: str, message: dict[str, Any]) -> int:
        if not self._sees(message):
            self.unseen += 1
            return 0
        return await self.api.push({kind: message})

    def _sees(self, message: dict[str, Any]) -> bool:
        """Privacy mode: a bot that is not an administrator gets only commands (not those
        addressed to another bot) and replies to its own messages; a removed bot, nothing."""
        if self.bot_status not in PRESENT:
            return False
        if self.bot_status in ADMINS or "migrate_to_chat_id" in message or "migrate_from_chat_id" in message:
            return True  # an administrator sees all; every bot sees service messages
        text = str(message.get("text", ""))
        if text.startswith("/"):
            _, at, bot = text.split()[0].partition("@")
            return not at or bot.lower() == self.api.username.lower()
        replied = message.get("reply_to_message") or {}
        return bool(replied.get("from", {}).get("id") == self.api.bot_id)

    # --- the upgrade to a supergroup ------------------------------------------------------------

    async def migrate(
        self,
        by: FakeUser,
        notices: tuple[Notice, ...] = ("to", "from"),
        new_chat_id: int | None = None,
        first_message_id: int = 1,
    ) -> FakeGroup:
        """`by` upgrades this basic group: a supergroup with everyone (the bot too, with its
        rights) at a new -100… id whose message ids start at `first_message_id` again. Telegram's
        two service messages go out in the order `notices` gives (none, one or both), and from
        now on every call for the old id gets 400 with `migrate_to_chat_id`. The supergroup."""
        if self.kind != "group" or self.moved_to is not None:
            raise AssertionError(f"{self.title} is not a basic group")
        new_id = new_chat_id if new_chat_id is not None else -1_000_000_000_000 + self.chat_id
        new = FakeGroup(
            self.api, new_id, self.title, "supergroup", message_ids=itertools.count(first_message_id)
        )
        new.members, new.people, new.anonymous = dict(self.members), dict(self.people), set(self.anonymous)
        self.api.groups[new_id] = new
        self.moved_to, self.moved_by = new_id, by
        self.api.moved[self.chat_id] = new_id
        for notice in notices:
            await self.tell_moved(notice)
        return new

    async def tell_moved(self, notice: Notice) -> int:
        """One of the upgrade's service messages (again): `to` in the old chat, `from` in the new
        one. Its update id (0 if the bot is not there)."""
        if self.moved_to is None or self.moved_by is None:
            raise AssertionError(f"{self.title} was not upgraded")
        new = self.api.groups[self.moved_to]
        where, fact = (
            (self, {"migrate_to_chat_id": new.chat_id})
            if notice == "to"
            else (new, {"migrate_from_chat_id": self.chat_id})
        )
        message = where._message(self.moved_by._from(), **fact)
        return await where._deliver("message", message)

    async def _press(self, user: FakeUser, data: str, message: dict[str, Any]) -> int:
        if self.bot_status not in PRESENT:
            return 0
        query = {
            "id": str(next(self.api._update_ids) * 7),
            "from": self._speaker(user),
            "chat_instance": str(self.chat_id),
            "data": data,
            "message": message,
        }
        return await self.api.push({"callback_query": query})


def _text(text: str) -> dict[str, Any]:
    """A text message's content: a command gets its bot_command entity, as Telegram marks it."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return content


def _flag(value: Any, default: bool) -> bool:
    """A boolean parameter: JSON true in a JSON body, the string "true" in a form."""
    if value is None:
        return default
    return value if isinstance(value, bool) else str(value).lower() == "true"
