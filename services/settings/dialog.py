"""/settings: her own timezone, so that check-ins, "today" and a bulletin's time are hers; her
own quiet hours (no scheduled message then); and, for a supervisor, the day and time her weekly
summary comes. A name that is not a timezone gets the closest real ones as buttons."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from typing import Literal

from flows.availability import quiet_hours
from flows.i18n import DAY_NAMES
from flows.schedules import DAYS, QuietHours, Schedules
from flows.weekly import summary_rule
from services.core.buttons import Button
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.core.speaker import Speaker
from store.models import Person

SUGGESTIONS = 3
_A_TIME = re.compile(r"\d{1,2}[:.h]\d{2}")
_HOURS = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*(?:-|–|—|to|a)\s*(\d{1,2})[:.h](\d{2})\s*$", re.IGNORECASE)


def read_hours(text: str) -> QuietHours | None:
    """21:00-06:30 (also 21.00 – 6.30, 21h00 to 06h30); None if it is not two times of day."""
    match = _HOURS.match(text)
    if match is None:
        return None
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or end_h > 23 or start_m > 59 or end_m > 59 or (start_h, start_m) == (end_h, end_m):
        return None
    return QuietHours(start=time(start_h, start_m), end=time(end_h, end_m))


_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


def read_clock(text: str) -> time | None:
    match = _CLOCK.match(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def shown(hours: QuietHours | None) -> str:
    return "–" if hours is None else f"{hours.start:%H:%M}–{hours.end:%H:%M}"


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


@prompt_kind
@dataclass(frozen=True)
class AskTimezone(Prompt):
    """Her timezone or her quiet hours, in her words."""

    kind = "settings.timezone"


@prompt_kind
@dataclass(frozen=True)
class AskSummaryTime(Prompt):
    """The time of a supervisor's weekly summary, on the day she pressed."""

    kind = "settings.summary_time"
    day: int


@dataclass(frozen=True)
class SummaryDays(Button):
    prefix = "sd"


@dataclass(frozen=True)
class SummaryDay(Button):
    prefix = "sday"
    day: Literal["0", "1", "2", "3", "4", "5", "6"]


@dataclass(frozen=True)
class ZoneChoice(Button):
    prefix = "tz"
    zone: str  # one of the closest real names offered (read again as if she had typed it)


@dataclass
class SettingsDialog:
    speaker: Speaker
    person: Person
    default: str  # the program's timezone, hers until she sets one
    schedules: Schedules  # the program's quiet hours and summary time, hers until she sets her own
    now: datetime

    def _day(self, day: str) -> str:
        return self.speaker.label(DAY_NAMES.key(day))

    async def start(self) -> None:
        person = self.person
        open_prompt(person, AskTimezone(), self.now)
        quiet = shown(quiet_hours(person.quiet_start, person.quiet_end, self.schedules.quiet_hours))
        await self.speaker.say("settings.timezone", zone=person.timezone or self.default, quiet=quiet)
        rule = summary_rule(person.summary_day, person.summary_time, self.schedules)
        if "supervisor" in person.role_names and rule is not None:
            button = [[(self.speaker.label("button.summary_time"), SummaryDays().encode())]]
            when = {"day": self._day(rule.weekly), "time": f"{rule.at:%H:%M}"}
            await self.speaker.say("settings.summary_at", button, **when)

    async def days(self) -> None:
        """The summary's day: the seven days as buttons."""
        rows = [[(self._day(name), SummaryDay(str(i)).encode())] for i, name in enumerate(DAYS)]  # type: ignore[arg-type]
        await self.speaker.say("settings.summary_day", rows)

    async def day(self, day: int) -> None:
        open_prompt(self.person, AskSummaryTime(day), self.now)
        await self.speaker.say("settings.summary_time", day=self._day(DAYS[day]))

    async def receive(self, prompt: Prompt, text: str) -> None:
        if isinstance(prompt, AskSummaryTime):
            return await self._summary_time(prompt.day, text)
        hours = read_hours(text)
        if hours is not None:
            self.person.quiet_start, self.person.quiet_end = hours.start, hours.end
            close(self.person)
            return await self.speaker.say("settings.quiet_set", quiet=shown(hours))
        if _A_TIME.search(text):  # meant as quiet hours, but not two real times of day
            return await self.speaker.say("settings.bad_hours")
        zone = find_zone(text)
        if zone is not None:
            return await self.choose(zone)
        suggestions = closest_zones(text)
        if not suggestions:
            return await self.speaker.say("settings.unknown_timezone")
        buttons = [[(name, ZoneChoice(name).encode())] for name in suggestions]
        await self.speaker.say("settings.did_you_mean", buttons)

    async def choose(self, name: str) -> None:
        zone = find_zone(name)
        if zone is None:
            return await self.speaker.say("button.expired")
        self.person.timezone = zone
        close(self.person)
        await self.speaker.say("settings.timezone_set", zone=zone)

    async def _summary_time(self, day: int, text: str) -> None:
        at = read_clock(text)
        if at is None:
            return await self.speaker.say("settings.bad_time")
        self.person.summary_day, self.person.summary_time = day, at
        close(self.person)
        await self.speaker.say("settings.summary_set", day=self._day(DAYS[day]), time=f"{at:%H:%M}")
