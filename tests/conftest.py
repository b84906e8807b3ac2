"""Shared fixtures: a database on SQLite and on a real PostgreSQL that the tests start."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from store.database import Database
from tests.migrated import migrate
from tests.pgserver import postgres_or_skip


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The base URL of a PostgreSQL server shared by the tests."""
    given = os.environ.get("CIRCLEBOT_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    server = postgres_or_skip()
    yield server.url
    server.stop()


async def _admin(base_url: str, sql: str) -> None:
    connection = await asyncpg.connect(base_url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test, in the plain URL forms people write."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'circlebot.db'}"
        return
    base = request.getfixturevalue("postgres_server")
    name = f"test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(base, f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A database migrated to head."""
    await asyncio.to_thread(migrate, database_url)
    database = Database(database_url)
    yield database
    await database.dispose()
