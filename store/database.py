"""The engine and its units of work. SQLite (the embedded default) runs in WAL mode with one
writer at a time in-process; PostgreSQL gets a pooled engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from store.private_files import private_file, private_folder
from store.sqlite_inline import connector
from store.uow import UnitOfWork
from store.urls import sqlite_path, to_async_url

# secure_delete: deleted and overwritten content is zeroed in the file, whatever the build's default
# (issue 23: erased means the bytes are gone).
PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "busy_timeout=5000",
    "foreign_keys=ON",
    "secure_delete=ON",
)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """`hide_parameters`: a failing statement's error (and SQLAlchemy's own log) shows its SQL
    but not its values, which can be someone's answers."""
    path = sqlite_path(url)
    if path is not None:
        private_folder(path.parent)
        private_file(path)
        engine = create_async_engine(to_async_url(url), async_creator=connector(path), hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        to_async_url(url), pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite allows one writer; queueing here beats SQLITE_BUSY retries.
        self._writer = asyncio.Lock() if self.dialect_name == "sqlite" else None

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        if self._writer is None:
            async with UnitOfWork(self.sessions()) as uow:
                yield uow
            return
        async with self._writer, UnitOfWork(self.sessions()) as uow:
            yield uow

    async def ping(self) -> None:
        """Raises unless the store answers a trivial query: how an outage finds it back. Under the
        writer lock, as a unit of work: a SQLite transaction takes the write lock as it begins."""
        async with self._writer or nullcontext(), self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def checkpoint(self) -> None:
        """After an erasure's commit: SQLite copies the WAL into the database file (where
        secure_delete zeroed what was erased) and truncates it, so no old page stays in the -wal
        file. PostgreSQL keeps old bytes in dead rows, WAL and backups until VACUUM and rotation."""
        if self._writer is None:
            return
        async with self._writer, self.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def dispose(self) -> None:
        await self.engine.dispose()
