"""The outbox: every message the bot sends, queued, claimed, sent or given up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, case, func, select, update

from store.models import OutboxMessage, Person
from store.repositories.base import Repository, prepared_insert
from store.statuses import OutboxStatus


def _outbox_values(
    key: str,
    chat_id: int,
    payload: dict[str, Any],
    now: datetime,
    person_id: int | None,
    priority: int,
    not_before: datetime | None,
    claimed_until: datetime | None,
    bulletin_id: int | None,
    disclosure: str | None = None,
    about_people: list[int] | None = None,
) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "chat_id": chat_id,
        "person_id": person_id,
        "payload": payload,
        "priority": priority,
        "status": OutboxStatus.PENDING if claimed_until is None else OutboxStatus.SENDING,
        "claimed_until": claimed_until,
        "not_before": not_before or now,
        "attempts": 0,
        "created_at": now,
        "bulletin_id": bulletin_id,
        "disclosure": disclosure,
        "about_people": about_people,
    }


class StateTally(NamedTuple):
    """Rows of one state: `sendable` (due now, or a claim that ran out) or not; how many (`total`), the
    oldest's creation, and how many of them failed or were put off, since when at the earliest."""

    status: OutboxStatus
    sendable: bool
    total: int
    oldest: datetime
    failing: int
    failing_since: datetime | None


class OutboxRepository(Repository):
    async def enqueue(
        self,
        idempotency_key: str,
        chat_id: int,
        payload: dict[str, Any],
        now: datetime,
        *,
        person_id: int | None = None,
        priority: int = 1,
        not_before: datetime | None = None,
        claimed_until: datetime | None = None,
        bulletin_id: int | None = None,
        disclosure: str | None = None,
        about_people: list[int] | None = None,
    ) -> int | None:
        """Queue a message once; its id, or None when the key was queued before (nothing changes).
        With `claimed_until` the caller claims it for sending right after the commit. A message
        that carries someone's data names its `disclosure` kind and `about_people` (both or
        neither: anything else is refused)."""
        if (disclosure is None) != (not about_people):
            raise ValueError("a disclosure names its kind and the people it is about, both or neither")
        values = _outbox_values(
            idempotency_key,
            chat_id,
            payload,
            now,
            person_id,
            priority,
            not_before,
            claimed_until,
            bulletin_id,
            disclosure,
            about_people,
        )
        result = await self._insert_core(OutboxMessage, values, returning="id")
        return result.scalar()

    async def enqueue_bulk(
        self,
        bulletin_id: int,
        messages: Iterable[tuple[str, int, int, dict[str, Any]]],
        not_before: datetime,
        now: datetime,
        disclosure: str | None = None,
        about_people: list[int] | None = None,
    ) -> None:
        """Queue a bulletin's messages, (key, chat, person, payload) each, in one executemany;
        keys queued before are skipped. Its author's name, when it carries it, is its disclosure."""
        rows = [
            _outbox_values(
                key,
                chat_id,
                payload,
                now,
                person_id,
                1,
                not_before,
                None,
                bulletin_id,
                disclosure,
                about_people,
            )
            for key, chat_id, person_id, payload in messages
        ]
        if rows:
            connection = await self.session.connection()
            table: Table = OutboxMessage.__table__  # type: ignore[assignment]
            await connection.execute(prepared_insert(connection.dialect.name, table, None, True), rows)

    async def bulletin_tally(self, bulletin_id: int) -> list[tuple[str, str | None, int]]:
        """(status, last error, how many) over a bulletin's messages."""
        query = (
            select(OutboxMessage.status, OutboxMessage.last_error, func.count())
            .where(OutboxMessage.bulletin_id == bulletin_id)
            .group_by(OutboxMessage.status, OutboxMessage.last_error)
        )
        return [(status, error, count) for status, error, count in await self.session.execute(query)]

    async def get_many(self, ids: Iterable[int]) -> list[OutboxMessage]:
        query = select(OutboxMessage).where(OutboxMessage.id.in_(list(ids))).order_by(OutboxMessage.id)
        return list(await self.session.scalars(query))

    async def queued_for(self, chat_id: int) -> list[OutboxMessage]:
        """The chat's rows not sent yet: pending, or claimed by a sender."""
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
        )
        return list(await self.session.scalars(query.order_by(OutboxMessage.id)))

    async def mark_sent(self, sent: dict[int, int | None], now: datetime) -> None:
        """Rows Telegram took: outbox id -> the message id it gave, in one executemany. A row
        recorded already is left as it was (a write repeated after a lost answer)."""
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id == bindparam("row"), OutboxMessage.status != OutboxStatus.SENT)
            .values(
                status=OutboxStatus.SENT,
                sent_at=now,
                attempts=OutboxMessage.attempts + 1,
                telegram_message_id=bindparam("tg"),
            )
            .execution_options(synchronize_session=False)
        )
        rows = [{"row": outbox_id, "tg": message_id} for outbox_id, message_id in sent.items()]
        connection = await self.session.connection()
        await connection.execute(statement, rows)

    async def mark_failed(
        self, message: OutboxMessage, status: OutboxStatus, error: str, now: datetime
    ) -> None:
        """`undeliverable` (the person blocked the bot) or `failed` (gave up, with the reason)."""
        message.status = status
        message.attempts += 1
        message.last_error = error
        message.failing_since = message.failing_since or now
        await self.session.flush()

    async def postpone(
        self, message: OutboxMessage, now: datetime, until: datetime, error: str, attempted: bool = True
    ) -> None:
        """Back to pending until `until`; `attempted` counts a try towards giving up. The first
        postponement is remembered (`failing_since`): the give-up age counts from it."""
        message.status = OutboxStatus.PENDING
        message.claimed_until = None
        message.not_before = until
        message.attempts += int(attempted)
        message.last_error = error
        message.failing_since = message.failing_since or now
        await self.session.flush()

    async def requeue_failed(self, now: datetime, since: datetime | None = None) -> int:
        """Rows given up (all, or those whose trouble began at or after `since`) due again now,
        with their tries and give-up age counted afresh; how many. Only rows still failed at
        this instant: a row sent, or requeued by someone else meanwhile, is not touched; nor one
        whose words retention redacted (it has nothing left to send)."""
        statement = update(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.redacted_at.is_(None)
        )
        if since is not None:
            statement = statement.where(OutboxMessage.failing_since >= since)
        statement = statement.values(
            status=OutboxStatus.PENDING, not_before=now, claimed_until=None, attempts=0, failing_since=None
        )
        returning = statement.returning(OutboxMessage.id).execution_options(synchronize_session=False)
        return len(list(await self.session.scalars(returning)))

    async def tally(self, now: datetime) -> list[StateTally]:
        """The queue by state, for an operator: counts and ages, nothing of what rows say."""
        sendable = case((self._sendable(now), True), else_=False)
        query = (
            select(
                OutboxMessage.status,
                sendable,
                func.count(),
                func.min(OutboxMessage.created_at),
                func.count(OutboxMessage.failing_since),
                func.min(OutboxMessage.failing_since),
            )
            .group_by(OutboxMessage.status, sendable)
            .order_by(OutboxMessage.status, sendable)
        )
        return [StateTally(*row) for row in await self.session.execute(query)]

    @staticmethod
    def _sendable(now: datetime) -> Any:
        """Pending and due, or claimed by a sender whose claim ran out (it crashed)."""
        waiting = (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.not_before <= now)
        stranded = (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_until < now)
        return waiting | stranded

    async def due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        query = (
            select(OutboxMessage)
            .where(self._sendable(now))
            .order_by(OutboxMessage.priority, OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def claim(self, ids: Iterable[int], now: datetime, until: datetime) -> list[int]:
        """Take these rows for sending until `until`; only one sender wins each row."""
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)), self._sendable(now))
            .values(status=OutboxStatus.SENDING, claimed_until=until)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(await self.session.scalars(statement))

    async def withhold(self, ids: Iterable[int], reason: str) -> set[int]:
        """Of these claimed rows, those queued (priority above a reply's) for someone deactivated
        now: marked withheld with `reason`, never sent. A reply to her own update still goes."""
        deactivated = select(Person.id).where(Person.id == OutboxMessage.person_id, Person.deactivated)
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.priority > 0, deactivated.exists())
            .values(status=OutboxStatus.WITHHELD, claimed_until=None, last_error=reason)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        return set(await self.session.scalars(statement))
