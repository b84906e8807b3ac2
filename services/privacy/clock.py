"""The clock's /mydata work: each request read in a unit of work, its documents built with no
transaction open (off the event loop), then stored and sent through the outbox, as run charts
are (services/pdsa/clock.py). One failure stays one: a request that cannot be read or built is
set aside alone, and nothing of hers is logged (only its id)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from services.core.clock import ClockEnv, speaker_for
from services.core.failures import SetAside, built_apart
from services.privacy.export import Limits, Package, documents
from services.privacy.holdings import Holdings, holdings_of
from store.models import DataExport
from store.statuses import ExportStatus
from store.uow import UnitOfWork

BATCH = 1  # one person per round: her whole history is held in memory while it is built
Read = tuple[Holdings, str, datetime] | None  # her holdings, her language, now in her timezone


class ExportClock:
    limits = Limits()

    def __init__(self, env: ClockEnv) -> None:
        self.env = env
        self.catalog = env.content.catalog
        self.aside = SetAside("mydata", {"status": ExportStatus.FAILED}, then=self._failed)

    async def tick(self, now: datetime) -> dict[str, int]:
        return {"exports": await self._exports(now)}

    async def _exports(self, now: datetime) -> int:
        """How many people were sent their data."""
        return await built_apart(
            self.env.db,
            now,
            self.aside,
            lambda uow: uow.exports.pending(BATCH),
            partial(self._read, now=now),
            self._build,
            partial(self._send, now=now),
        )

    async def next_due(self, now: datetime, latest: datetime) -> datetime | None:
        async with self.env.db.unit_of_work() as uow:
            return await uow.exports.next_due()

    async def _failed(self, uow: UnitOfWork, export_id: object, now: datetime) -> None:
        """She was told it is being prepared: she is told it failed, so she may ask again."""
        found = await uow.exports.get(int(str(export_id)))
        person = None if found is None else await uow.people.get(found.person_id)
        if person is not None:
            await speaker_for(self.env, uow, person, now, f"mydata-failed:{export_id}").say("mydata.failed")

    async def _read(self, uow: UnitOfWork, request: DataExport, *, now: datetime) -> Read:
        person = await uow.people.get(request.person_id)
        if person is None:
            return None
        local = now.astimezone(ZoneInfo(person.timezone or self.env.timezone))
        return await holdings_of(uow, person.id), person.language or self.catalog.default, local

    async def _build(self, read: tuple[Holdings, str, datetime]) -> Package:
        holdings, lang, local = read
        return await asyncio.to_thread(documents, holdings, self.catalog, lang, local.date(), self.limits)

    async def _send(
        self, uow: UnitOfWork, request: DataExport, _read: Read, built: Package | None, *, now: datetime
    ) -> int:
        """Store and send one request's documents."""
        found = await uow.exports.get(request.id)
        if found is None or found.status != ExportStatus.PENDING:
            return 0
        found.status = ExportStatus.SENT
        person = await uow.people.get(found.person_id)
        if built is None or person is None:
            return 0
        speaker = speaker_for(self.env, uow, person, now, f"mydata:{found.id}")
        captions = [speaker.label("mydata.caption_summary"), speaker.label("mydata.caption_data")]
        for position, (name, data) in enumerate(built.documents):
            stored = await uow.photos.add(now, data=data)
            caption = captions[position] if position < len(captions) else ""
            await speaker.out.stored_file(
                speaker.chat_id, stored.id, caption, speaker.person_id, filename=name
            )
        if built.left_out:
            await speaker.say("mydata.left_out", files=", ".join(built.left_out))
        await speaker.say("mydata.done")
        return 1
