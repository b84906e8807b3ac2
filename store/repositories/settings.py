"""The bot's own settings (key and value), such as its username."""

from __future__ import annotations

from store.models import BotSetting
from store.repositories.base import Repository


class SettingsRepository(Repository):
    async def get(self, key: str) -> str | None:
        setting = await self.session.get(BotSetting, key)
        return None if setting is None else setting.value

    async def set(self, key: str, value: str) -> None:
        await self.session.merge(BotSetting(key=key, value=value))
        await self.session.flush()
