"""Schedules as authors write them in `content/schedules.yaml`: what (a flow to start, a bulletin,
a summary), for whom, and when (weekly on a day at a time, every N days, or a crontab line with
standard weekday numbers, 0 and 7 = Sunday), in each person's own timezone, outside the
program's quiet hours, skipping holidays.

Only the shape and the crontab's meaning live here (pure); turning a rule into occurrences in a
timezone is the scheduler's work.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from flows.spec import ID_PATTERN, PROGRAM_ROLES, Model, Text, parse_duration, refuse_doubles
from flows.wallclock import wall_time

_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)


@dataclass(frozen=True)
class Crontab:
    """A crontab line as sets of values; `weekdays` uses Python's numbering (0 = Monday), so no
    one downstream has to remember that crontab's 0 is Sunday."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool  # day of month was `*`
    any_weekday: bool  # day of week was `*`


def _field(text: str, name: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdecimal() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"the {name} step {step_text!r} is not a positive number")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            first_text, _, last_text = span.partition("-")
            if not (first_text.isdecimal() and last_text.isdecimal()):
                raise ValueError(f"{part!r} is not a {name} range")
            first, last = int(first_text), int(last_text)
        elif span.isdecimal():
            first = last = int(span)
            if step is not None:
                last = high
        else:
            raise ValueError(f"{part!r} is not a {name} (numbers, ranges, lists, steps and * only)")
        if not low <= first <= last <= high:
            raise ValueError(f"{part!r} is outside {low}–{high} for the {name}")
        values.update(range(first, last + 1, step or 1))
    return frozenset(values)


def parse_crontab(line: str) -> Crontab:
    """Five fields: minute hour day-of-month month day-of-week (0 or 7 = Sunday)."""
    parts = line.split()
    if len(parts) != 5:
        raise ValueError(f"{line!r} needs five fields: minute hour day-of-month month day-of-week")
    minutes, hours, days, months, cron_weekdays = (
        _field(part, name, low, high) for part, (name, low, high) in zip(parts, _FIELDS, strict=True)
    )
    crontab = Crontab(
        minutes,
        hours,
        days,
        months,
        frozenset((day - 1) % 7 for day in cron_weekdays),  # crontab 1 = Monday = Python's 0
        any_day=parts[2] == "*",
        any_weekday=parts[4] == "*",
    )
    if crontab.any_weekday and not any(day <= _longest(month) for day in days for month in months):
        named = ", ".join(
            f"{day} {calendar.month_name[month]}" for month in sorted(months) for day in sorted(days)
        )
        raise ValueError(f"{line!r} never happens: there is no {named[:80]}")
    return crontab


def _longest(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # 0 = Monday
Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Weekly(Model):
    weekly: Day
    at: time


class EveryDays(Model):
    every_days: Annotated[int, Field(ge=1, le=366)]
    at: time
    starting: date


class Cron(Model):
    cron: str

    @field_validator("cron")
    @classmethod
    def _parses(cls, value: str) -> str:
        parse_crontab(value)
        return value


class StartFlow(Model):
    flow: Annotated[str, Field(pattern=ID_PATTERN)]


class SendBulletin(Model):
    bulletin: Text


class SendSummary(Model):
    summary: Literal["weekly"]


def _by_key(*keys: str) -> Discriminator:
    """Pick a union's member by which key the author wrote, so that an error is about that
    member only (not one complaint per member)."""

    def pick(value: Any) -> str | None:
        found = [key for key in keys if isinstance(value, dict) and key in value]
        return found[0] if found else None

    return Discriminator(
        pick, custom_error_type="rule", custom_error_message=f"write one of: {', '.join(keys)}"
    )


What = Annotated[
    Annotated[StartFlow, Tag("flow")]
    | Annotated[SendBulletin, Tag("bulletin")]
    | Annotated[SendSummary, Tag("summary")],
    _by_key("flow", "bulletin", "summary"),
]
When = Annotated[
    Annotated[Weekly, Tag("weekly")] | Annotated[EveryDays, Tag("every_days")] | Annotated[Cron, Tag("cron")],
    _by_key("weekly", "every_days", "cron"),
]


class Schedule(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    what: What
    to: str = "all"  # all | role:ROLE | team:NAME
    when: When
    grace: timedelta = timedelta(hours=6)  # how late a missed occurrence is still caught up
    remind_after: timedelta | None = None  # one nudge to whoever has not finished the flow

    @field_validator("grace", "remind_after", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("to")
    @classmethod
    def _audience(cls, value: str) -> str:
        kind, _, name = value.partition(":")
        if (
            value != "all"
            and not (kind == "role" and name in PROGRAM_ROLES)
            and not (kind == "team" and name.strip())
        ):
            raise ValueError(
                f"to must be all, role:ROLE (one of {', '.join(PROGRAM_ROLES)}) or team:NAME, not {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _reminders_are_for_flows(self) -> Schedule:
        if self.remind_after is not None and not isinstance(self.what, StartFlow):
            raise ValueError("remind_after is only for schedules that start a flow")
        return self


class QuietHours(Model):
    """No scheduled message between `start` and `end` (overnight when `end` is earlier)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def after(self, local: datetime) -> datetime:
        """`local` itself when it is outside the quiet hours, else the moment they end."""
        if not self.contains(local.time()) or local.tzinfo is None:
            return local
        end = wall_time(local.date(), self.end, local.tzinfo)
        if end <= local:
            end = wall_time(local.date() + timedelta(days=1), self.end, local.tzinfo)
        return end.astimezone(local.tzinfo)


class Schedules(Model):
    schedules: tuple[Schedule, ...] = ()
    quiet_hours: QuietHours | None = None
    holidays: tuple[date, ...] = ()

    @model_validator(mode="after")
    def _ids_once(self) -> Schedules:
        refuse_doubles([schedule.id for schedule in self.schedules], "schedule")
        return self

    def get(self, schedule_id: str) -> Schedule | None:
        return next((schedule for schedule in self.schedules if schedule.id == schedule_id), None)
