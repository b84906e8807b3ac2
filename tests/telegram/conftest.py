import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from bot import Wired, wire
from content import BUNDLED_CONTENT
from flows.content import Content
from flows.validate import load_content
from handlers.serving import Polling, serving
from handlers.webhook import Webhook
from services.core.config import Settings
from services.joining.invites import add_invite
from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.migrated import migrate
from tests.telegram.undisclosed import undisclosed

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
CONTENT = load_content(BUNDLED_CONTENT)


def clock() -> datetime:
    return datetime.now(UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Database]:
    await asyncio.to_thread(migrate, database_url)
    db = Database(database_url)
    async with db.unit_of_work() as uow:
        await uow.settings.set("bot_username", "circle_test_bot")
        await uow.commit()
    yield db
    await db.dispose()


def wired(
    fake: FakeBotApi,
    db: Database,
    database_url: str,
    now: Callable[[], datetime] = clock,
    content: Content = CONTENT,
) -> Wired:
    # Telegram's limits ×100: these tests are about behaviour, the limiter has its own tests.
    settings = Settings(TOKEN, fake.root, database_url, BUNDLED_CONTENT, "America/Lima", rate_scale=100)
    return wire(settings, content, db, now)


@asynccontextmanager
async def running(
    fake: FakeBotApi,
    store: Database,
    database_url: str,
    now: Callable[[], datetime] = clock,
    content: Content = CONTENT,
) -> AsyncIterator[Wired]:
    """The bot long-polling the fake, started and stopped by `run`'s own code (`serving`)."""
    bot = wired(fake, store, database_url, now, content)
    polling = Polling(bot.application, bot.outage, timeout=1)
    async with serving(bot.application, bot.outage, polling):
        yield bot
    assert not (found := await undisclosed(store)), "\n".join(found)


@asynccontextmanager
async def webhooked(
    fake: FakeBotApi, store: Database, database_url: str, secret: str = "a-secret-only-telegram-knows"
) -> AsyncIterator[tuple[Wired, str]]:
    """The bot receiving the fake's updates on its own webhook server, as `run --webhook-url`
    does; the bot and its webhook's URL."""
    bot = wired(fake, store, database_url)
    url = f"http://127.0.0.1:{free_port()}/hook"
    webhook = Webhook(bot.application, bot.outage, url, secret, "127.0.0.1", urlsplit(url).port or 0)
    async with serving(bot.application, bot.outage, webhook):
        yield bot, url
    assert not (found := await undisclosed(store)), "\n".join(found)


@pytest.fixture
async def polling_bot(fake: FakeBotApi, store: Database, database_url: str) -> AsyncIterator[Wired]:
    async with running(fake, store, database_url) as bot:
        yield bot


async def invite(db: Database, role: str, team: str, uses: int = 1) -> str:
    from datetime import timedelta

    async with db.unit_of_work() as uow:
        found, _ = await uow.teams.get_or_create(team, clock())
        code = await add_invite(uow, role, found, uses, timedelta(days=7), clock())
        await uow.commit()
    return code
