"""The HTTP client under PTB: aiohttp instead of PTB's default httpx.

Measured under the inbound benchmark, httpx's connection pool and per-request bookkeeping
were the largest part of the bot's time; aiohttp does the same requests for less. It is PTB's
documented extension point (`BaseRequest`)."""

from __future__ import annotations

import re

import aiohttp
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

TOKEN_IN_URL = re.compile(r"/bot[^/]+/")


def without_token(text: str) -> str:
    """Errors may quote a Bot API URL, which holds the token; logs and the outbox must not."""
    return TOKEN_IN_URL.sub("/bot<token>/", text)


class AiohttpRequest(BaseRequest):
    def __init__(
        self, connections: int = 16, read_timeout: float = 5.0, connect_timeout: float = 5.0
    ) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            await self.initialize()
        assert self._session is not None
        read = self._read_timeout if read_timeout is DEFAULT_NONE else read_timeout
        connect = self._connect_timeout if connect_timeout is DEFAULT_NONE else connect_timeout
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)  # type: ignore[arg-type]
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {without_token(str(error))}") from None


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content, mimetype = upload[0], upload[1], upload[2] if len(upload) > 2 else None
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
