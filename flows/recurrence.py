"""When a schedule's rule falls, in someone's timezone: each day the rule names, at each of its
wall-clock times, made a moment by `flows.wallclock` (a repeated hour once, at its first
passing; a skipped one at the first minute after it, once). Pure, so the property tests can walk
ten years of every zone's transitions in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flows.schedules import DAYS, Cron, EveryDays, Weekly, parse_crontab
from flows.wallclock import wall_time

Rule = Weekly | EveryDays | Cron
_parsed = lru_cache(maxsize=64)(parse_crontab)  # a rule is read for every day of every window


def occurrences(rule: Rule, zone: ZoneInfo, after: datetime, until: datetime) -> list[datetime]:
    """When `rule` falls in (after, until], oldest first, as moments in `zone`."""
    found = {
        moment
        for day in _days(after.astimezone(zone).date(), until.astimezone(zone).date())
        for at in _times_on(rule, day)
        if after < (moment := wall_time(day, at, zone)) <= until
    }
    return [moment.astimezone(zone) for moment in sorted(found)]


def _days(first: date, last: date) -> Iterator[date]:
    """The local days a moment in the window can fall on, with one each side: a skipped time
    moves forward, never by a day, but the window's ends are read in the zone's offsets."""
    day = first - timedelta(days=1)
    while day <= last + timedelta(days=1):
        yield day
        day += timedelta(days=1)


def _times_on(rule: Rule, day: date) -> list[time]:
    """The rule's wall-clock times on `day` (none when it does not fall that day)."""
    if isinstance(rule, Weekly):
        return [rule.at] if day.weekday() == DAYS.index(rule.weekly) else []
    if isinstance(rule, EveryDays):
        since = (day - rule.starting).days
        return [rule.at] if since >= 0 and since % rule.every_days == 0 else []
    crontab = _parsed(rule.cron)
    by_day, by_weekday = day.day in crontab.days, day.weekday() in crontab.weekdays
    if crontab.any_weekday:
        falls = by_day
    elif crontab.any_day:
        falls = by_weekday
    else:
        falls = by_day or by_weekday  # crontab: either restriction is enough
    if day.month not in crontab.months or not falls:
        return []
    return [time(hour, minute) for hour in sorted(crontab.hours) for minute in sorted(crontab.minutes)]
