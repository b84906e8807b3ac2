"""A photo goes up to Telegram once; every other message with it gets the file id Telegram gave
it (sending a bulletin's bytes thousands of times would be slow and is not what Telegram asks)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from store.database import Database


@dataclass
class Photos:
    db: Database
    _file_ids: dict[int, str] = field(default_factory=dict)
    _locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def lock(self, photo_id: int) -> asyncio.Lock:
        """Held while a photo is looked up or uploaded: one upload, not one per message."""
        return self._locks.setdefault(photo_id, asyncio.Lock())

    async def file_id(self, photo_id: int) -> str | None:
        if photo_id not in self._file_ids:
            async with self.db.unit_of_work() as uow:
                file_id = await uow.photos.file_id(photo_id)
            if file_id is None:
                return None
            self._file_ids[photo_id] = file_id
        return self._file_ids[photo_id]

    async def data(self, photo_id: int) -> bytes:
        async with self.db.unit_of_work() as uow:
            return await uow.photos.data(photo_id)

    async def remember(self, photo_id: int, file_id: str) -> None:
        self._file_ids[photo_id] = file_id
        async with self.db.unit_of_work() as uow:
            await uow.photos.set_file_id(photo_id, file_id)
            await uow.commit()
