"""Bulletins and the photos they carry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from store.models import Bulletin, OutboxMessage, Photo
from store.repositories.base import Repository
from store.statuses import ON_ITS_WAY


class BulletinRepository(Repository):
    async def add(self, bulletin: Bulletin) -> Bulletin:
        self.session.add(bulletin)
        await self.session.flush()
        return bulletin

    async def get(self, bulletin_id: int) -> Bulletin | None:
        return await self.session.get(Bulletin, bulletin_id)

    async def settled_unreported(self, now: datetime) -> list[Bulletin]:
        """Bulletins with an author waiting for the delivery report, none of whose messages is
        still on its way."""
        unsettled = select(OutboxMessage.id).where(
            OutboxMessage.bulletin_id == Bulletin.id, OutboxMessage.status.in_(ON_ITS_WAY)
        )
        query = select(Bulletin).where(
            Bulletin.author_id.is_not(None),
            Bulletin.reported_at.is_(None),
            Bulletin.send_at <= now,
            ~unsettled.exists(),
        )
        return list(await self.session.scalars(query.order_by(Bulletin.id)))


class PhotoRepository(Repository):
    async def add(self, now: datetime, data: bytes | None = None, file_id: str | None = None) -> Photo:
        photo = Photo(data=data, file_id=file_id, created_at=now)
        self.session.add(photo)
        await self.session.flush()
        return photo

    async def file_id(self, photo_id: int) -> str | None:
        return await self.session.scalar(select(Photo.file_id).where(Photo.id == photo_id))

    async def data(self, photo_id: int) -> bytes:
        """The bytes to upload (kept out of ordinary loads: they can be megabytes)."""
        data = await self.session.scalar(select(Photo.data).where(Photo.id == photo_id))
        return data or b""

    async def set_file_id(self, photo_id: int, file_id: str) -> None:
        """Telegram has the photo now: keep its file id, and let go of the bytes."""
        statement = update(Photo).where(Photo.id == photo_id).values(file_id=file_id, data=None)
        await self.session.execute(statement)
