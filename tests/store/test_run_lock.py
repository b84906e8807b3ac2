"""The run lock (`store.run_lock`), in this process, on SQLite and on a real PostgreSQL: one
holder per database, free again once released, and on PostgreSQL a lock whose connection drops
is taken again, or this bot stops if another took it meanwhile. The two-process tests are in
tests/telegram/test_one_bot.py."""

import asyncio
import threading
from collections.abc import Callable

import asyncpg
import pytest

from store import run_lock
from store.urls import postgres_dsn


def refused(url: str) -> str:
    with pytest.raises(run_lock.RunLockError) as raised:
        run_lock.hold(url)
    return str(raised.value)


async def test_a_database_has_one_holder_until_it_lets_go(database_url: str):
    release = await asyncio.to_thread(run_lock.hold, database_url)
    try:
        message = await asyncio.to_thread(refused, database_url)
        assert message == (
            f"another circlebot run is already using this database ({run_lock.me()}); stop it first"
        )
    finally:
        await asyncio.to_thread(release)
    await asyncio.to_thread(await asyncio.to_thread(run_lock.hold, database_url))


def test_the_sqlite_lock_is_a_file_beside_the_database_and_an_other_database_is_free(tmp_path):
    first = run_lock.hold(f"sqlite:///{tmp_path / 'a' / 'one.db'}")
    try:
        assert (tmp_path / "a" / "one.db.run-lock").read_text() == run_lock.me()
        run_lock.hold(f"sqlite:///{tmp_path / 'two.db'}")()
    finally:
        first()


async def holders(url: str) -> list[int]:
    """The sessions holding the run lock, by their backend pid."""
    connection = await asyncpg.connect(postgres_dsn(url))
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2",
            *run_lock.KEY,
        )
        return [row["pid"] for row in rows]
    finally:
        await connection.close()


async def until(condition: Callable[[], object], what: str) -> None:
    """Polls the server (its state has no event to wait on) for at most 20 s."""
    for _ in range(200):
        if await condition():  # type: ignore[misc]
            return
        await asyncio.sleep(0.1)
    raise AssertionError(what)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_dropped_connection_takes_the_lock_again(database_url: str):
    postgres_url = database_url
    lost = threading.Event()
    release = await asyncio.to_thread(run_lock.hold, postgres_url, lost.set)
    try:
        [first] = await holders(postgres_url)
        admin = await asyncpg.connect(postgres_dsn(postgres_url))
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", first)  # as a restart does
        finally:
            await admin.close()

        async def taken_again() -> bool:
            return [pid for pid in await holders(postgres_url) if pid != first] != []

        await until(taken_again, "the lock was never taken again")
        assert not lost.is_set()
        await asyncio.to_thread(refused, postgres_url)
    finally:
        await asyncio.to_thread(release)
    assert await holders(postgres_url) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_bot_whose_lock_another_took_meanwhile_stops(database_url: str):
    postgres_url = database_url
    lost = threading.Event()
    release = await asyncio.to_thread(run_lock.hold, postgres_url, lost.set)
    other = await asyncpg.connect(postgres_dsn(postgres_url))
    try:
        [first] = await holders(postgres_url)
        await other.execute("SELECT pg_terminate_backend($1)", first)
        # Queued behind the dying session: granted the moment it ends, before the bot is back.
        await other.execute("SELECT pg_advisory_lock($1, $2)", *run_lock.KEY)
        assert await asyncio.to_thread(lost.wait, 20), "the bot went on beside another"
    finally:
        await other.close()
        await asyncio.to_thread(release)
