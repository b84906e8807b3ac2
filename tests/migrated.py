"""A test's empty database made a migrated one by copying a database migrated once per test
process: running every migration costs 0.2 s on SQLite and more on PostgreSQL, a copy a few
milliseconds, and most tests want the latest schema. A database that already has tables (a
migration test's, one a command migrated, or a server's own `postgres` database, which a copy
would replace) is brought to head the ordinary way."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from pathlib import Path

import asyncpg

from store.migrate import upgrade_to_head
from store.urls import postgres_dsn, sqlite_path

_TEMPLATE_DATABASE = "circlebot_migrated_template"
_sqlite_template: Path | None = None
_postgres_templates: set[str] = set()  # the servers (their admin DSN) that have one


def migrate(url: str) -> None:
    """Bring the database at `url` to the latest migration, as `upgrade_to_head` does."""
    path, dsn = sqlite_path(url), postgres_dsn(url)
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite(), path)
    elif dsn is not None and not dsn.endswith("/postgres") and asyncio.run(_is_empty(dsn)):
        asyncio.run(_clone(dsn))
    else:
        upgrade_to_head(url)


def _sqlite() -> Path:
    global _sqlite_template
    if _sqlite_template is None:
        path = Path(tempfile.mkdtemp(prefix="circlebot-template-")) / "migrated.db"
        upgrade_to_head(f"sqlite:///{path}")
        with sqlite3.connect(path) as connection:  # everything in the one file a copy takes
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _sqlite_template = path
    return _sqlite_template


async def _is_empty(dsn: str) -> bool:
    connection = await asyncpg.connect(dsn)
    try:
        return not await connection.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()


async def _clone(dsn: str) -> None:
    """The empty database dropped and made again from the server's migrated template."""
    root, name = dsn.rsplit("/", 1)
    admin_dsn = f"{root}/postgres"
    admin = await asyncpg.connect(admin_dsn)
    try:
        if admin_dsn not in _postgres_templates:
            await admin.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE_DATABASE}"')
            await admin.execute(f'CREATE DATABASE "{_TEMPLATE_DATABASE}"')
            await asyncio.to_thread(upgrade_to_head, f"{root}/{_TEMPLATE_DATABASE}")
            _postgres_templates.add(admin_dsn)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE_DATABASE}"')
    finally:
        await admin.close()
