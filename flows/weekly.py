"""When a supervisor's weekly summary comes, and its arithmetic and words, from plain data: for
each team member this week's check-in (done, missed, not finished, away or not due), wellbeing
and workload with their last weeks as a sparkline, support requests, reflections shared, whether
she blocked the bot; then the team's totals. Her own trend (/mytrend) is the same lines, for her
alone. Pure, so the summary's content is tested without a store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import fmean

from flows.i18n import Catalog
from flows.render import split_message
from flows.schedules import DAYS, Schedules, SendSummary, Weekly

WEEKS = 8  # how far back the trends and the chart look
PAGE = 12  # members per message: a team of up to 12 reads as one message
BARS = "▁▂▄▆█"  # 1..5
NO_ANSWER = "·"


@dataclass(frozen=True)
class CheckIn:
    finished_at: datetime
    wellbeing: int | None = None
    workload: int | None = None
    support: bool | None = None


@dataclass(frozen=True)
class Member:
    name: str
    checkins: tuple[CheckIn, ...] = ()  # completed, any order, within the last WEEKS weeks
    shared: int = 0  # reflections shared with the supervisor this week
    blocked: bool = False
    away: bool = False  # on /away, or this week's check-in was skipped for it
    in_progress: bool = False  # a check-in started and not finished
    not_due: bool = False  # no check-in fell due this week (a holiday)


@dataclass(frozen=True)
class Week:
    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start < moment <= self.end


def summary_rule(own_day: int | None, own_at: time | None, schedules: Schedules) -> Weekly | None:
    """When her summary comes: her own day (0 is Monday) and time when she set both (/settings),
    else the program's first weekly summary schedule; None when summaries are not on a weekly
    rule. The schedule clock, its wake-ups and /settings all read it here."""
    if own_day is not None and own_at is not None:
        return Weekly(weekly=DAYS[own_day], at=own_at)
    for schedule in schedules.schedules:
        if isinstance(schedule.what, SendSummary) and isinstance(schedule.when, Weekly):
            return schedule.when
    return None


def weeks(now: datetime, count: int = WEEKS) -> list[Week]:
    """The last `count` weeks up to `now`, oldest first; the last one is "this week"."""
    return [Week(now - timedelta(weeks=k + 1), now - timedelta(weeks=k)) for k in reversed(range(count))]


def _in(week: Week, checkins: Sequence[CheckIn]) -> CheckIn | None:
    """The week's latest check-in."""
    found = [checkin for checkin in checkins if week.holds(checkin.finished_at)]
    return max(found, key=lambda checkin: checkin.finished_at) if found else None


def sparkline(values: Sequence[int | None]) -> str:
    return "".join(NO_ANSWER if value is None else BARS[min(max(value, 1), 5) - 1] for value in values)


def _mean(values: Sequence[int | None]) -> str:
    given = [value for value in values if value is not None]
    return f"{fmean(given):.1f}" if given else "–"


def wellbeing_by_week(members: Sequence[Member], span: Sequence[Week]) -> list[list[int]]:
    """Each week's wellbeing answers across the team: what the chart draws."""
    found: list[list[int]] = [[] for _ in span]
    for member in members:
        for i, week in enumerate(span):
            checkin = _in(week, member.checkins)
            if checkin is not None and checkin.wellbeing is not None:
                found[i].append(checkin.wellbeing)
    return found


def _needs_attention(member: Member, span: Sequence[Week]) -> bool:
    this_week = _in(span[-1], member.checkins)
    return this_week is not None and (
        this_week.support is True or (this_week.wellbeing is not None and this_week.wellbeing <= 2)
    )


def _trends(checkins: Sequence[CheckIn | None], catalog: Catalog, lang: str) -> list[str]:
    """Wellbeing and workload: the latest week's, and each week's as a sparkline."""
    details = []
    for key, values in (
        ("weekly.wellbeing", [c.wellbeing if c else None for c in checkins]),
        ("weekly.workload", [c.workload if c else None for c in checkins]),
    ):
        if any(value is not None for value in values):
            latest = values[-1] if values[-1] is not None else "–"
            details.append(catalog.say(lang, key, value=latest, trend=sparkline(values)))
    return details


def own_trend(checkins: Sequence[CheckIn], now: datetime, catalog: Catalog, lang: str) -> str | None:
    """Her own check-ins of the last WEEKS weeks, as her supervisor's summary shows them; None
    when she has none."""
    details = _trends([_in(week, checkins) for week in weeks(now)], catalog, lang)
    if not details:
        return None
    lines = [catalog.say(lang, "mytrend.header", weeks=WEEKS), *details, catalog.say(lang, "mytrend.legend")]
    return catalog.lay_out(lang, "\n".join(lines))


def _member_line(member: Member, span: Sequence[Week], catalog: Catalog, lang: str) -> str:
    checkins = [_in(week, member.checkins) for week in span]
    this_week = checkins[-1]
    parts = [f"• {catalog.own_words(lang, member.name)} —"]
    if this_week is not None:
        parts.append(catalog.say(lang, "weekly.done"))
    elif member.away:
        parts.append(catalog.say(lang, "weekly.away"))
    elif member.in_progress:
        parts.append(catalog.say(lang, "weekly.in_progress"))
    elif member.not_due:
        parts.append(catalog.say(lang, "weekly.not_due"))
    else:
        parts.append(catalog.say(lang, "weekly.missed"))
    details = _trends(checkins, catalog, lang)
    if this_week is not None and this_week.support:
        details.append(catalog.say(lang, "weekly.support"))
    if member.shared:
        details.append(catalog.say(lang, "weekly.shared", count=member.shared))
    if member.blocked:
        details.append(catalog.say(lang, "weekly.blocked"))
    return " ".join(parts) + ("\n  " + " · ".join(details) if details else "")


def summary_pages(
    team: str,
    members: Sequence[Member],
    now: datetime,
    local_today: date,
    catalog: Catalog,
    lang: str,
    extra: Sequence[str] = (),
) -> list[str]:
    """The summary's messages: totals first, then `extra` (other features' paragraphs: the
    observations this month), then the members, those who may need support first, at most PAGE
    to a message."""
    span = weeks(now)
    this_week = [_in(span[-1], member.checkins) for member in members]
    header = catalog.say(
        lang,
        "weekly.header",
        team=team,
        start=f"{local_today - timedelta(days=6):%d/%m}",
        end=f"{local_today:%d/%m}",
    )
    if not members:
        return [catalog.lay_out(lang, f"{header}\n\n{catalog.say(lang, 'weekly.nobody')}")]
    done = [checkin for checkin in this_week if checkin is not None]
    totals = catalog.say(
        lang,
        "weekly.totals",
        done=len(done),
        members=len(members),
        wellbeing=_mean([c.wellbeing for c in done]),
        workload=_mean([c.workload for c in done]),
        support=sum(1 for c in done if c.support),
        shared=sum(member.shared for member in members),
        blocked=sum(1 for member in members if member.blocked),
    )
    ordered = sorted(members, key=lambda m: (not _needs_attention(m, span), m.name.casefold()))
    lines = [_member_line(member, span, catalog, lang) for member in ordered]
    chunks = [lines[i : i + PAGE] for i in range(0, len(lines), PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        top = header if len(chunks) == 1 else f"{header} ({number}/{len(chunks)})"
        body = [top, totals, *extra, *chunk] if number == 1 else [top, *chunk]
        if number == len(chunks):
            body.append(catalog.say(lang, "weekly.legend", weeks=WEEKS))
        pages.extend(split_message(catalog.lay_out(lang, "\n\n".join(body))))
    return pages
