"""The bot's @username, needed for invite links: asked of Telegram (getMe) once, then
remembered in the database so the CLI works without a round trip."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from store.database import Database

USERNAME_KEY = "bot_username"


async def bot_username(db: Database, ask_telegram: Callable[[], Awaitable[str]]) -> str:
    async with db.unit_of_work() as uow:
        known = await uow.settings.get(USERNAME_KEY)
    if known:
        return known
    username = await ask_telegram()
    await remember_username(db, username)
    return username


async def remember_username(db: Database, username: str) -> None:
    async with db.unit_of_work() as uow:
        await uow.settings.set(USERNAME_KEY, username)
        await uow.commit()
