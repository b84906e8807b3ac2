"""Database URLs as people write them, mapped to the async drivers (app and Alembic alike)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///data/circlebot.db"
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
ACCEPTED = "sqlite:///file.db or postgresql://user:password@host/name"


def to_async_url(url: str) -> str:
    """`sqlite:///…` → `sqlite+aiosqlite:///…`; `postgres(ql)://…` → `postgresql+asyncpg://…`."""
    scheme, separator, rest = url.partition("://")
    driver = _DRIVERS.get(scheme.lower())
    if not separator or driver is None:
        raise ValueError(f"use {ACCEPTED}, not a {scheme or 'blank'!r} address")
    converted = f"{driver}://{rest}"
    try:
        make_url(converted)
    except ArgumentError:
        raise ValueError(f"cannot read the address; use {ACCEPTED}") from None
    return converted


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(to_async_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def postgres_dsn(url: str) -> str | None:
    """A PostgreSQL URL as asyncpg reads it (None for SQLite): for the one connection the store
    opens outside SQLAlchemy, the run lock's (`store.run_lock`)."""
    parsed = make_url(to_async_url(url))
    if parsed.get_backend_name() != "postgresql":
        return None
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)
