"""The sender's transport (the port `services.sending.transport`) over the Bot API.

The outbox's payloads are Bot API calls already (a method and its JSON parameters), so the
sender posts them as they are, with aiohttp, and reads back only what it needs: the message id,
or Telegram's verdict mapped to blocked (403), retry later (429), moved (400 with
`migrate_to_chat_id`, what PTB raises as `ChatMigrated`), refused (another 4xx: it will never
pass) or failed (no answer, a 5xx, a wrong token: it may pass later). Building PTB
objects for every sent message's answer was a sixth of the bot's time under load (measured)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from handlers.http import without_token
from services.sending.transport import Blocked, Files, Moved, Rejected, RetryLater, SendFailed

TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=30)


def _form(params: dict[str, Any], files: Files) -> aiohttp.FormData:
    """A multipart request: the parameters (objects as JSON, as the Bot API wants), then files."""
    form = aiohttp.FormData()
    for key, value in params.items():
        form.add_field(key, value if isinstance(value, str) else json.dumps(value))
    for key, (name, data) in files.items():
        form.add_field(key, data, filename=name, content_type="application/octet-stream")
    return form


class BotApiTransport:
    def __init__(self, api_url: str, token: str, connections: int = 16) -> None:
        self._base = f"{api_url}/bot{token}/"
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, params: dict[str, Any], files: Files | None = None) -> Any:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector, json_serialize=json.dumps)
        request = {"json": params} if files is None else {"data": _form(params, files)}
        try:
            async with self._session.post(self._base + method, timeout=TIMEOUT, **request) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise SendFailed(without_token(str(error)) or type(error).__name__) from None
        if body.get("ok"):
            return body.get("result")
        code, description = body.get("error_code", response.status), str(body.get("description", ""))
        parameters = body.get("parameters") or {}
        if code == 403:
            raise Blocked(description)
        if code == 429:
            raise RetryLater(float(parameters.get("retry_after", 1)), description)
        if code == 400 and parameters.get("migrate_to_chat_id") is not None:
            raise Moved(int(parameters["migrate_to_chat_id"]), description)
        if code == 400 and "not modified" in description:  # the same edit twice: already as wanted
            return None
        if 400 <= code < 500 and code != 401:  # 401: the token, which the operator can mend
            raise Rejected(f"{code}: {description}")
        raise SendFailed(f"{code}: {description}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
