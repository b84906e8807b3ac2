"""The webhook served by the bot itself (issue 19, item 5), against the real server: Telegram is
told the address, the secret and the updates the bot wants; an update with the secret is
handled end to end; without it, or with a wrong one, it is refused and only that is logged; a
body over 1 MB is refused before it is read."""

import asyncio
import logging

import aiohttp
import pytest

from handlers.app import ALLOWED_UPDATES
from handlers.webhook import SECRET_HEADER
from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.telegram.conftest import invite, webhooked

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SECRET = "a-secret-only-telegram-knows"


async def test_an_update_with_the_secret_is_handled_and_nothing_of_it_is_logged(
    fake: FakeBotApi, store: Database, database_url: str, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    async with webhooked(fake, store, database_url, SECRET) as (_, url):
        assert fake.webhook == (url, SECRET)
        assert fake.allowed_updates == ALLOWED_UPDATES
        ana = fake.user(1, "Ana")
        await ana.send(f"/start {await invite(store, 'home_visitor', 'North')}")
        assert (await ana.replies())[0].startswith("Welcome to circlebot")
    ours = [
        record.getMessage() for record in caplog.records if record.name.startswith(("handlers", "aiohttp"))
    ]
    assert not [line for line in ours if "/start" in line or SECRET in line]


async def test_no_secret_or_a_wrong_one_is_refused_and_only_the_fact_logged(
    fake: FakeBotApi, store: Database, database_url: str, caplog: pytest.LogCaptureFixture
):
    eve = fake.user(5, "Eve")
    forged = eve.message_update("/start x")
    async with webhooked(fake, store, database_url, SECRET) as (_, url), aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "a-guess"}, {SECRET_HEADER: SECRET[:-1]}):
            async with http.post(url, json=forged, headers=headers) as response:
                assert response.status == 403
        ana = fake.user(1, "Ana")  # the bot goes on: what came after the forgeries is answered
        await ana.send("/help")
        await ana.replies()
    assert 5 not in fake.chats, "a refused update is not handled"
    refusals = [r.getMessage() for r in caplog.records if r.name == "handlers.webhook"]
    assert refusals == ["webhook: a request without the right secret token refused"] * 3
    assert "a-guess" not in caplog.text and "/start x" not in caplog.text


async def test_a_body_over_a_megabyte_is_refused_before_it_is_read(
    fake: FakeBotApi, store: Database, database_url: str
):
    async with webhooked(fake, store, database_url, SECRET) as (_, url):
        host, port = url.split("/")[2].split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        head = f"POST /hook HTTP/1.1\r\nHost: {host}\r\n{SECRET_HEADER}: {SECRET}\r\n"
        writer.write(
            f"{head}Content-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()  # answered with none of the 2 MB sent
        writer.close()
        assert status.startswith(b"HTTP/1.1 413"), status

        async def two_megabytes_without_a_length():  # chunked: cut off at 1 MB
            yield b'{"update_id": 1, "padding": "'
            for _ in range(32):
                yield b"x" * 65536
            yield b'"}'

        async with aiohttp.ClientSession() as http:
            headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
            async with http.post(url, data=two_megabytes_without_a_length(), headers=headers) as response:
                assert response.status == 413
