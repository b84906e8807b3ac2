"""A bulletin's photo goes up to Telegram once; every other recipient gets the file id Telegram
gave it (sending the same bytes thousands of times would be slow and is not what Telegram asks)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from store.database import Database


@dataclass
class BulletinPhotos:
    db: Database
    _file_ids: dict[int, str] = field(default_factory=dict)
    _locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def lock(self, bulletin_id: int) -> asyncio.Lock:
        """Held while a bulletin's photo is looked up or uploaded: one upload, not one per row."""
        return self._locks.setdefault(bulletin_id, asyncio.Lock())

    async def file_id(self, bulletin_id: int) -> str | None:
        if bulletin_id not in self._file_ids:
            async with self.db.unit_of_work() as uow:
                bulletin = await uow.bulletins.get(bulletin_id)
            if bulletin is None or bulletin.photo_file_id is None:
                return None
            self._file_ids[bulletin_id] = bulletin.photo_file_id
        return self._file_ids[bulletin_id]

    async def data(self, bulletin_id: int) -> bytes:
        async with self.db.unit_of_work() as uow:
            return await uow.bulletins.photo(bulletin_id)

    async def remember(self, bulletin_id: int, file_id: str) -> None:
        self._file_ids[bulletin_id] = file_id
        async with self.db.unit_of_work() as uow:
            await uow.bulletins.set_photo_file_id(bulletin_id, file_id)
            await uow.commit()
