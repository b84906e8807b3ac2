"""A PDSA measure's data points, as plain data: which measurement period a point belongs to (a
day, a visit or a week, as the measure says), and what `/log 7 23/11` means. Pure, so the rules
for doubles and dates are tested without a chat or a store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.bounds import GROUP_SEPARATORS, Problem, read_day, read_number
from flows.pdsa import Prompts
from flows.wallclock import wall_time

# The number first, its thousands apart or not (1 234), then the day if she gives one.
_NUMBER_THEN_DAY = re.compile(rf"(\S+(?:[{GROUP_SEPARATORS}]\d{{3}}(?=\s|$))*)\s*(.*)", re.DOTALL)
_YESTERDAY = {"yesterday", "ayer"}
_TODAY = {"today", "hoy"}


def period(frequency: str, day: date, visit: int | None = None) -> str:
    """The period a point counts for: a day, its week (from Monday) or a visit (numbered)."""
    if frequency == "weekly":
        return f"week {day - timedelta(days=day.weekday())}"
    if frequency == "visit":
        return f"visit {visit}"
    return day.isoformat()


def shown_number(value: float) -> str:
    """A value as a person writes it: 7, not 7.0; 7.5; 1234.5, never 1.23e+03."""
    return str(int(value)) if float(value).is_integer() else f"{value:f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Logged:
    value: float | Problem  # a Problem: no number, or one beyond flows.bounds
    day: date | Problem  # a Problem: the words after the number are not a day within bounds


def read_log(text: str, today: date) -> Logged:
    """`7` (today), `7 23/11`, `7 2026-11-23`, `7 yesterday`; a day in the future is read as
    given (the caller refuses it, saying why)."""
    match = _NUMBER_THEN_DAY.fullmatch(text.strip())
    number, rest = (match[1], match[2].strip().lower()) if match else ("", "")
    value = read_number(number)
    if not rest or rest in _TODAY:
        return Logged(value, today)
    if rest in _YESTERDAY:
        return Logged(value, today - timedelta(days=1))
    return Logged(value, read_day(rest, today))


def next_prompt(frequency: str, after: datetime, zone: ZoneInfo, prompts: Prompts) -> datetime:
    """The next time after `after` to ask for a data point, in her timezone, by `prompts`."""
    local = after.astimezone(zone)
    day = local.date()
    for _ in range(8):
        moment = wall_time(day, prompts.at, zone)
        weekday = day.weekday()
        fits = {"daily": True, "visit": weekday < 5, "weekly": weekday == prompts.weekday}[frequency]
        if moment > after and fits:
            return moment.astimezone(zone)
        day += timedelta(days=1)
    raise AssertionError("a week always holds a prompt day")
