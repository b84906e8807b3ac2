"""Invite codes: made, listed, revoked, and redeemed one use at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update

from store.models import Invite
from store.repositories.base import Repository


class InviteRepository(Repository):
    async def add(
        self,
        code: str,
        role: str,
        team_id: int | None,
        max_uses: int,
        expires_at: datetime,
        now: datetime,
        created_by: int | None = None,
        circle_id: int | None = None,
        for_telegram_id: int | None = None,
    ) -> Invite:
        invite = Invite(
            code=code,
            role=role,
            team_id=team_id,
            max_uses=max_uses,
            expires_at=expires_at,
            created_at=now,
            created_by=created_by,
            circle_id=circle_id,
            for_telegram_id=for_telegram_id,
        )
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def get(self, code: str) -> Invite | None:
        return await self.session.get(Invite, code)

    @staticmethod
    def _usable(now: datetime) -> Any:
        return (
            Invite.revoked_at.is_(None),
            Invite.uses < Invite.max_uses,
            Invite.expires_at > now,
        )

    async def all(self, now: datetime, include_inactive: bool = False) -> list[Invite]:
        query = select(Invite).order_by(Invite.created_at, Invite.code)
        if not include_inactive:
            query = query.where(*self._usable(now))
        return list(await self.session.scalars(query))

    async def revoke(self, code: str, now: datetime) -> bool:
        statement = (
            update(Invite).where(Invite.code == code, Invite.revoked_at.is_(None)).values(revoked_at=now)
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount == 1

    async def redeem(self, code: str, now: datetime, telegram_id: int) -> Invite | None:
        """Use up one use, atomically: of two people racing for a single-use code, one wins; a
        code bound to someone else's Telegram id is never used."""
        mine = (Invite.for_telegram_id.is_(None)) | (Invite.for_telegram_id == telegram_id)
        statement = (
            update(Invite)
            .where(Invite.code == code, mine, *self._usable(now))
            .values(uses=Invite.uses + 1)
            .execution_options(synchronize_session=False)
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        if result.rowcount != 1:
            return None
        invite = await self.session.get(Invite, code, populate_existing=True)
        return invite

    async def pending_supervisor_invite(self, team_id: int, now: datetime) -> Invite | None:
        query = select(Invite).where(
            Invite.team_id == team_id, Invite.role == "supervisor", *self._usable(now)
        )
        return await self.session.scalar(query.limit(1))

    async def bound(
        self, telegram_id: int, circle_id: int, role: str, team_id: int | None, now: datetime
    ) -> Invite | None:
        """Her own usable invite of this circle, role and team, made earlier (a second Join
        press, a second offer): reused, so a press never adds a row."""
        team = Invite.team_id.is_(None) if team_id is None else Invite.team_id == team_id
        query = select(Invite).where(
            Invite.for_telegram_id == telegram_id,
            Invite.circle_id == circle_id,
            Invite.role == role,
            team,
            *self._usable(now),
        )
        return await self.session.scalar(query.order_by(Invite.created_at.desc()).limit(1))
