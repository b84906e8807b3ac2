"""Bring a database to the latest migration from code, from any working folder. Every
command that touches the store calls this first."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from store.database import make_engine
from store.urls import to_async_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url  # not through the ini: a password with % would break it
    return config


def upgrade_to_head(url: str) -> None:
    """Apply every migration not yet applied (runs its own event loop: call it from sync code
    or through `asyncio.to_thread`)."""
    to_async_url(url)  # refuse a bad URL before anything else
    command.upgrade(alembic_config(url), "head")


async def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
