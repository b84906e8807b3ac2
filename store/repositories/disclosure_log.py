"""The disclosure log (store/disclosure_log.py): written when Telegram took a message that
carried someone's data, by an admin's export and by an erasure; read by `circlebot audit` and by
her /mydata; pruned by retention."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select

from store.disclosure_log import DisclosureEntry
from store.models import OutboxMessage
from store.repositories.base import Repository


class DisclosureLogRepository(Repository):
    async def record_sent(self, outbox_ids: Iterable[int], now: datetime) -> int:
        """Log the disclosures among these outbox rows, just marked sent: one entry per person a
        row carried. A row logged before is not logged again (its send recorded twice). How many
        entries this made."""
        ids = list(outbox_ids)
        if not ids:
            return 0
        logged = select(DisclosureEntry.outbox_id).where(DisclosureEntry.outbox_id == OutboxMessage.id)
        query = select(
            OutboxMessage.id,
            OutboxMessage.disclosure,
            OutboxMessage.about_people,
            OutboxMessage.person_id,
            OutboxMessage.chat_id,
        ).where(OutboxMessage.id.in_(ids), OutboxMessage.disclosure.is_not(None), ~logged.exists())
        entries = [
            {
                "logged_at": now,
                "kind": kind,
                "about_id": about,
                "recipient_id": recipient,
                "chat_id": chat_id,
                "outbox_id": outbox_id,
            }
            for outbox_id, kind, people, recipient, chat_id in await self.session.execute(query)
            for about in people or ()
        ]
        await self._insert_many(entries)
        return len(entries)

    async def record(
        self, kind: str, about: Iterable[int], now: datetime, detail: str, recipient_id: int | None = None
    ) -> int:
        """Log a disclosure that is not a message (an export to the command line, an erasure):
        one entry per person it was about."""
        entries = [
            {
                "logged_at": now,
                "kind": kind,
                "about_id": person_id,
                "recipient_id": recipient_id,
                "detail": detail,
            }
            for person_id in dict.fromkeys(about)
        ]
        await self._insert_many(entries)
        return len(entries)

    async def _insert_many(self, entries: Sequence[Mapping[str, object]]) -> None:
        if entries:
            connection = await self.session.connection()
            await connection.execute(DisclosureEntry.__table__.insert(), entries)  # type: ignore[attr-defined]

    async def entries(
        self, person_id: int | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[DisclosureEntry]:
        """The log, oldest first: about or to `person_id` when given, from `since` when given."""
        query = select(DisclosureEntry)
        if person_id is not None:
            query = query.where(
                or_(DisclosureEntry.about_id == person_id, DisclosureEntry.recipient_id == person_id)
            )
        if since is not None:
            query = query.where(DisclosureEntry.logged_at >= since)
        query = query.order_by(DisclosureEntry.logged_at, DisclosureEntry.id)
        return list(await self.session.scalars(query if limit is None else query.limit(limit)))

    async def prune(self, before: datetime) -> int:
        """Forget entries logged before `before` (their retention ran out); how many went."""
        result = await self.session.execute(delete(DisclosureEntry).where(DisclosureEntry.logged_at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]
