"""Alembic environment, async (after Alembic's async template). The URL comes from the caller
(`store.migrate`), else alembic.ini, else DATABASE_URL, always mapped to the async drivers."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from store.database import make_engine
from store.models import Base
from store.urls import DEFAULT_DATABASE_URL

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return str(
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = make_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(configure)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("circlebot migrations run online only: `circlebot db upgrade`")
asyncio.run(run_async_migrations())
