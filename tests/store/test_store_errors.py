"""Which failures are the store's, on real engines: the store's own state (locked, out of disk,
a transaction to retry) is a store error, to be tried again; a statement's bad value or broken
rule is the work's own error."""

import asyncio
import sqlite3
import threading

import pytest
from sqlalchemy import text

from store.database import Database
from store.errors import is_store_error
from store.urls import sqlite_path


async def raised(db: Database, statement: str) -> BaseException:
    with pytest.raises(Exception) as error:
        async with db.engine.begin() as connection:
            await connection.execute(text(statement))
    return error.value


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgresql_says_which_failures_are_its_own_by_their_class(db: Database):
    def raising(code: str) -> str:
        return f"DO $$ BEGIN RAISE EXCEPTION 'no' USING ERRCODE = '{code}'; END $$"

    for store_state in ("disk_full", "serialization_failure", "admin_shutdown", "query_canceled"):
        assert is_store_error(await raised(db, raising(store_state))), store_state
    for own in ("check_violation", "invalid_text_representation", "division_by_zero"):
        assert not is_store_error(await raised(db, raising(own))), own
    assert not is_store_error(await raised(db, "SELECT 1 / 0"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sqlite_locked_by_another_process_is_a_store_error(db: Database, database_url: str):
    path = sqlite_path(database_url)
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process (the CLI) holds the write lock
    try:
        with pytest.raises(Exception) as error:
            async with db.engine.begin() as connection:
                await connection.execute(text("PRAGMA busy_timeout = 0"))
                await connection.execute(text("INSERT INTO bot_settings (key, value) VALUES ('a', 'b')"))
        assert is_store_error(error.value)
    finally:
        other.rollback()
        other.close()
    assert not is_store_error(await raised(db, "INSERT INTO bot_settings (key, value) VALUES (NULL, NULL)"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_unit_of_work_that_reads_then_writes_waits_for_another_process_instead_of_failing(
    db: Database, database_url: str
):
    """The CLI queues a bulletin: it reads the recipients, then writes. If the bot's heartbeat
    commits in between, a transaction begun when it first read could never write (its snapshot
    is stale: "database is locked" at once). Begun holding the write lock, the other process
    waits its busy timeout for this one, and both writes land."""
    path = sqlite_path(database_url)
    assert path is not None

    def another_process_writes() -> None:
        other = sqlite3.connect(path, timeout=10, isolation_level=None)
        other.execute("INSERT INTO bot_settings (key, value) VALUES ('theirs', 'x')")
        other.close()

    writer = threading.Thread(target=another_process_writes)
    async with db.unit_of_work() as uow:
        await uow.session.execute(text("SELECT count(*) FROM bot_settings"))
        writer.start()
        await asyncio.to_thread(writer.join, 1.0)  # done at once unless it waits for this one
        await uow.session.execute(text("INSERT INTO bot_settings (key, value) VALUES ('mine', 'x')"))
        await uow.commit()
    await asyncio.to_thread(writer.join)
    async with db.unit_of_work() as uow:
        keys = (await uow.session.execute(text("SELECT key FROM bot_settings ORDER BY key"))).scalars()
        assert {"mine", "theirs"} <= set(keys)
