"""Which failures are the store's, on real engines: the store's own state (locked, out of disk,
a transaction to retry) is a store error, to be tried again; a statement's bad value or broken
rule is the work's own error."""

import sqlite3

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
