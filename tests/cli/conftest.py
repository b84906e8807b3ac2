import asyncio
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot
from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.migrated import migrate

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    api.start_in_thread()
    yield api
    api.stop_thread()


@pytest.fixture
def cli_env(monkeypatch, tmp_path: Path, fake_api: FakeBotApi):
    """A clean working folder and settings pointing at the fake Bot API."""
    monkeypatch.chdir(tmp_path)
    for name in ("CIRCLEBOT_CONTENT", "CIRCLEBOT_TIMEZONE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", fake_api.root)
    return monkeypatch


@pytest.fixture
def circlebot(cli_env, capsys, database_url: str):
    """Run the command line in-process against `database_url`; returns code, stdout, stderr."""
    cli_env.setenv("DATABASE_URL", database_url)

    def run(*args: str, stdin: str = "") -> Result:
        cli_env.setattr("sys.stdin", io.StringIO(stdin))
        code = bot.main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def store(database_url: str):
    """Run a piece of async work against the same database the CLI uses (migrated first)."""

    def run(work):
        migrate(database_url)

        async def go():
            db = Database(database_url)
            try:
                return await work(db)
            finally:
                await db.dispose()

        return asyncio.run(go())

    return run
