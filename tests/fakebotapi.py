"""The project's own Bot API fake: a small aiohttp server on 127.0.0.1 that plays Telegram and
its users.

It answers like the real Bot API at {root}/bot{token}/{method}: a wrong token gets 401, an
unknown method 404, a malformed call 400 with Telegram's wording. People (`FakeUser`) send
messages and press buttons; their updates are handed out by getUpdates (long polling) or
POSTed to the webhook with its secret-token header. Every call is recorded, so tests check
what the bot really sent over HTTP. It runs in the caller's event loop, or on its own thread
for synchronous callers (the CLI tests).
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
from typing import Any

import aiohttp
from aiohttp import web

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


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
    handed_out: dict[int, float] = field(default_factory=dict)  # update id -> when the bot got it
    activity: dict[int, list[float]] = field(default_factory=dict)  # chat -> when it got a message or edit
    _activity_events: dict[int, asyncio.Event] = field(default_factory=dict)

    @property
    def root(self) -> str:
        """What TELEGRAM_API_URL is set to, to talk to this fake."""
        return f"http://127.0.0.1:{self.port}"

    def user(self, user_id: int, first_name: str, language_code: str = "en") -> FakeUser:
        return FakeUser(self, user_id, first_name, language_code)

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
            "answerCallbackQuery": self._true,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._true,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }

    async def _true(self, params: dict[str, Any]) -> Any:
        return True

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "circlebot",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
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
        return True

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
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

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
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "circlebot", "username": self.username},
            "text": text,
        }
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
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return web.json_response(body, status=error.status)
        except (KeyError, ValueError) as error:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}, status=400
            )
        return web.json_response({"ok": True, "result": result})

    # --- the users' side --------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> int:
        """A new update from a person: queued for getUpdates, or POSTed to the webhook; its id."""
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
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.api.push({"message": self._message(**content)})

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

    async def replies(self, count: int = 1, seconds: float = 15) -> list[str]:
        """Wait for `count` new messages from the bot; their texts."""
        await self.api.wait_until(lambda: len(self.messages) >= self._seen + count, seconds)
        fresh = self.messages[self._seen :]
        self._seen = len(self.messages)
        return [message["text"] for message in fresh]
