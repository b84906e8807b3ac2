"""/settings: her own timezone, so that check-ins, "today" and a bulletin's time are hers. A
name that is not a timezone gets the closest real ones as buttons."""

from __future__ import annotations

import difflib
import zoneinfo
from dataclasses import dataclass
from functools import cache

from services.speaker import Speaker
from store.models import Person

SUGGESTIONS = 3


@cache
def _zones() -> dict[str, str]:
    """Every IANA name, by its lower case and by its city's (america/lima and lima)."""
    names = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")
    found = {name.lower(): name for name in names}
    for name in names:
        found.setdefault(name.rsplit("/", 1)[-1].lower().replace("_", " "), name)
    return found


def find_zone(text: str) -> str | None:
    return _zones().get(text.strip().lower().replace("_", " ")) or _zones().get(text.strip().lower())


def closest_zones(text: str) -> list[str]:
    words = text.strip().lower().replace("_", " ")
    matches = difflib.get_close_matches(words, list(_zones()), SUGGESTIONS * 3, 0.6)
    return list(dict.fromkeys(_zones()[match] for match in matches))[:SUGGESTIONS]


@dataclass
class TimezoneDialog:
    speaker: Speaker
    person: Person
    default: str  # the program's timezone, hers until she sets one

    async def start(self) -> None:
        self.person.awaiting = {"settings": "timezone"}
        await self.speaker.say("settings.timezone", zone=self.person.timezone or self.default)

    async def receive(self, text: str) -> None:
        zone = find_zone(text)
        if zone is not None:
            return await self.choose(zone)
        suggestions = closest_zones(text)
        if not suggestions:
            return await self.speaker.say("settings.unknown_timezone")
        buttons = [[(name, f"tz:{name}")] for name in suggestions]
        await self.speaker.say("settings.did_you_mean", buttons)

    async def choose(self, name: str) -> None:
        zone = find_zone(name)
        if zone is None:
            return await self.speaker.say("button.expired")
        self.person.timezone = zone
        self.person.awaiting = None
        await self.speaker.say("settings.timezone_set", zone=zone)
