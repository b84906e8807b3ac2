"""The project's own Bot API fake: a small aiohttp server on 127.0.0.1 that plays Telegram.

It answers like the real Bot API at {root}/bot{token}/{method} (a wrong token gets 401, an
unknown method 404) and records every call, so tests check what the bot really sent over
HTTP. It runs on its own thread and loop, so synchronous code (the CLI) can talk to it too.
Later issues teach it more methods, its users and Telegram's limits.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


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
    _runner: web.AppRunner | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    port: int = 0

    @property
    def root(self) -> str:
        """What TELEGRAM_API_URL is set to, to talk to this fake."""
        return f"http://127.0.0.1:{self.port}"

    def methods(self) -> dict[str, Handler]:
        return {"getMe": self._get_me, "deleteWebhook": self._true, "getUpdates": self._get_updates}

    async def _true(self, params: dict[str, Any]) -> Any:
        return True

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        await asyncio.sleep(min(float(params.get("timeout", 0)), 0.2))  # a short long poll
        return []

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
            else:
                params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        self.calls.append(Call(method, params))
        handler = self.methods().get(method)
        if handler is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            return web.json_response(body, status=404)
        return web.json_response({"ok": True, "result": await handler(params)}, dumps=json.dumps)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        await web.SockSite(self._runner, listener).start()

    async def stop(self) -> None:
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
