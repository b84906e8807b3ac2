"""A schedule's rule in someone's timezone: when it falls. Rules become APScheduler triggers
whose fields are spelled out (minute lists, weekday names), so APScheduler 3's own weekday
numbering (0 = Monday, where crontab's 0 is Sunday) never meets a number from the content."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from flows.content import Content
from flows.loader import Problem
from flows.schedules import Cron, EveryDays, Weekly, parse_crontab
from store.uow import UnitOfWork

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python's order: 0 = Monday


def _spelled(values: frozenset[int]) -> str:
    return ",".join(str(value) for value in sorted(values))


def trigger(rule: Weekly | EveryDays | Cron, zone: ZoneInfo) -> BaseTrigger:
    if isinstance(rule, Weekly):
        return CronTrigger(
            day_of_week=rule.weekly[:3], hour=rule.at.hour, minute=rule.at.minute, timezone=zone
        )
    if isinstance(rule, EveryDays):
        start = datetime.combine(rule.starting, rule.at, zone)
        return IntervalTrigger(days=rule.every_days, start_date=start, timezone=zone)
    crontab = parse_crontab(rule.cron)
    times = {
        "minute": _spelled(crontab.minutes),
        "hour": _spelled(crontab.hours),
        "month": _spelled(crontab.months),
    }
    weekdays = ",".join(DAY_NAMES[day] for day in sorted(crontab.weekdays))
    by_day = CronTrigger(day=_spelled(crontab.days), timezone=zone, **times)
    by_weekday = CronTrigger(day_of_week=weekdays, timezone=zone, **times)
    if crontab.any_weekday:
        return by_day
    if crontab.any_day:
        return by_weekday
    return OrTrigger([by_day, by_weekday])  # crontab: either restriction is enough


def occurrences(
    rule: Weekly | EveryDays | Cron, zone: ZoneInfo, after: datetime, until: datetime
) -> list[datetime]:
    """When the rule falls in (after, until], in `zone`."""
    found: list[datetime] = []
    rule_trigger = trigger(rule, zone)
    previous: datetime | None = None
    moment = after
    while (upcoming := rule_trigger.get_next_fire_time(previous, moment)) is not None and upcoming <= until:
        if upcoming > after:
            found.append(upcoming)
        previous, moment = upcoming, upcoming
    return found


async def unknown_teams(uow: UnitOfWork, content: Content) -> list[Problem]:
    """Schedules sent to a team the store does not have: content can only name teams, the store
    knows them, so `run` checks this at start (with the file and line, like any content error)."""
    source = content.sources.get("schedules")
    if source is None:
        return []
    teams = sorted(team.name for team in await uow.teams.all())
    return [
        source.problem(("schedules", i, "to"), f"no team {name!r} (teams: {', '.join(teams) or 'none yet'})")
        for i, schedule in enumerate(content.schedules.schedules)
        if schedule.to.startswith("team:") and (name := schedule.to.removeprefix("team:")) not in teams
    ]
