"""aiosqlite's interface, carried out inline on the event loop's thread.

SQLite in WAL mode answers a statement in microseconds, but aiosqlite hands each one to a
worker thread and back, about 0.3 ms a statement (measured: 285 µs against 11 µs inline),
which made the database most of the cost of every reply. Here statements run inline and block
the loop for their few microseconds instead. The one wait that could be long, another process
(the CLI) holding the write lock, is bounded by the busy timeout.

SQLAlchemy's aiosqlite dialect takes such a connection through `async_creator`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def _begin_if_idle(connection: sqlite3.Connection, sql: str) -> None:
    """A transaction begins with the first statement of any kind, as PEP 249 has it (the
    driver's own legacy mode began one only before INSERT and the like, so a SAVEPOINT that came
    first committed on its own release: SQLAlchemy's SQLite notes). PRAGMAs stay outside one
    (journal_mode cannot change inside). Here, not in a SQLAlchemy `begin` event: any engine
    event makes every statement pay for SQLAlchemy's event dispatch (5% of a reply).

    It begins IMMEDIATE, holding the write lock from the start. A deferred transaction that
    reads, then writes after another process (the bot, the CLI) committed, is refused at once
    with "database is locked", whatever the busy timeout: its snapshot is stale. Taken at the
    start, the lock is waited for (the busy timeout) instead. In a process, one unit of work runs
    at a time (store.database's writer lock), so it never waits on itself."""
    if not connection.in_transaction and sql[:6].upper() != "PRAGMA":
        connection.execute("BEGIN IMMEDIATE")


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        _begin_if_idle(self._cursor.connection, sql)
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        _begin_if_idle(self._cursor.connection, sql)
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany() if size is None else self._cursor.fetchmany(size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # what SQLAlchemy checks

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._conn.close()
            self._connection = None

    def stop(self) -> None:
        self._conn.close()
        self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level


def connector(path: Path) -> Any:
    """The `async_creator` for a SQLite file."""

    async def connect() -> InlineConnection:
        # The driver's own transaction control off: `_begin_if_idle` begins each one.
        return InlineConnection(sqlite3.connect(str(path), check_same_thread=False, isolation_level=None))

    return connect
