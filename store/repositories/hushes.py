"""Hushes: a refusal said to a key (a person in a group, or the group) silences that key's
next ones for a while; the store holds them so the limit survives restarts and binds every
process alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from store.bookkeeping import Hush
from store.repositories.base import Repository


class HushRepository(Repository):
    async def hushed(self, key: str, now: datetime) -> bool:
        until = await self.session.scalar(select(Hush.until).where(Hush.key == key))
        return until is not None and until > now

    async def claim(self, key: str, now: datetime, until: datetime) -> bool:
        """Hush `key` until `until` unless it is hushed at `now`: True when this call did (one
        statement, so of two racing processes only one gets True)."""
        connection = await self.session.connection()
        module: Any = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = (
            module.insert(Hush)
            .values(key=key, until=until)
            .on_conflict_do_update(index_elements=[Hush.key], set_={"until": until}, where=Hush.until <= now)
            .returning(Hush.key)
        )
        return (await connection.execute(statement)).first() is not None

    async def prune(self, now: datetime) -> int:
        """Forget hushes that have run out."""
        result: CursorResult[Any] = await self.session.execute(delete(Hush).where(Hush.until <= now))  # type: ignore[assignment]
        return result.rowcount
