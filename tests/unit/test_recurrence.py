"""When a rule falls in someone's timezone (flows.recurrence): crontab's Sunday is Sunday, a
weekly time stays the local time across a change of summer time, and on the nights the clocks
change every rule falls once: at the first passing of a repeated time, at the first minute after
a skipped one. The last test draws cases from every zone a person can choose and the next ten
years of their transitions, against a plain minute-by-minute reading of the clocks."""

from bisect import bisect_left
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate, pairwise
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.recurrence import occurrences
from flows.schedules import DAYS, Cron, EveryDays, Weekly

MADRID = ZoneInfo("Europe/Madrid")  # summer time began on Sunday 29 March 2026
LIMA = ZoneInfo("America/Lima")


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def test_crontab_zero_is_sunday_not_apschedulers_monday():
    found = occurrences(Cron(cron="0 9 * * 0"), LIMA, utc(2026, 11, 23), utc(2026, 12, 7))
    assert [moment.strftime("%a %d %H:%M") for moment in found] == ["Sun 29 09:00", "Sun 06 09:00"]
    weekdays = occurrences(Cron(cron="0 9 * * 1-5"), LIMA, utc(2026, 11, 23), utc(2026, 11, 30))
    assert [moment.strftime("%a") for moment in weekdays] == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_a_weekly_time_is_local_on_both_sides_of_a_dst_change():
    found = occurrences(Weekly(weekly="sunday", at=time(9)), MADRID, utc(2026, 3, 20), utc(2026, 4, 6))
    assert [moment.astimezone(UTC).strftime("%d %H:%M") for moment in found] == [
        "22 08:00",
        "29 07:00",
        "05 07:00",
    ]
    assert {moment.strftime("%H:%M") for moment in found} == {"09:00"}


def test_a_day_of_month_or_a_weekday_is_enough_as_in_crontab():
    found = occurrences(Cron(cron="0 8 1 * 1"), LIMA, utc(2026, 11, 25), utc(2026, 12, 9))
    assert [moment.strftime("%a %d") for moment in found] == ["Mon 30", "Tue 01", "Mon 07"]


def test_every_n_days_counts_from_its_start():
    rule = EveryDays(every_days=3, at=time(18, 30), starting=date(2026, 11, 20))
    found = occurrences(rule, LIMA, utc(2026, 11, 24), utc(2026, 12, 1))
    assert [moment.strftime("%d %H:%M") for moment in found] == ["26 18:30", "29 18:30"]


def at_noon(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def local(moment: datetime) -> str:
    return moment.astimezone(MADRID).strftime("%d %b %H:%M %Z")


def test_a_weekly_time_the_clocks_pass_twice_falls_once_at_its_first_passing():
    """Sunday 25 October 2026 in Madrid: 02:00–03:00 is lived twice (APScheduler fired twice)."""
    found = occurrences(Weekly(weekly="sunday", at=time(2, 30)), MADRID, utc(2026, 10, 24), utc(2026, 10, 27))
    assert [local(moment) for moment in found] == ["25 Oct 02:30 CEST"]


def test_a_weekly_time_the_clocks_skip_falls_at_the_first_minute_after_it():
    """Sunday 29 March 2026 in Madrid: 02:00 becomes 03:00 (APScheduler fired at 03:30)."""
    found = occurrences(Weekly(weekly="sunday", at=time(2, 30)), MADRID, utc(2026, 3, 28), utc(2026, 4, 6))
    assert [local(moment) for moment in found] == ["29 Mar 03:00 CEST", "05 Apr 02:30 CEST"]


def test_every_n_days_keeps_its_wall_time_after_the_spring_change():
    """APScheduler's interval moved 09:00 to 10:00 for good after 29 March."""
    rule = EveryDays(every_days=2, at=time(9), starting=date(2026, 3, 20))
    found = occurrences(rule, MADRID, utc(2026, 3, 20), utc(2026, 4, 3))
    assert {moment.strftime("%H:%M") for moment in found} == {"09:00"}
    assert [moment.day for moment in found] == [20, 22, 24, 26, 28, 30, 1]


def test_a_crontab_hour_the_clocks_skip_falls_once_and_one_they_repeat_once_per_minute():
    every_quarter = Cron(cron="*/15 2 * * *")
    spring = occurrences(every_quarter, MADRID, at_noon(2026, 3, 27), at_noon(2026, 3, 29))
    assert [local(moment) for moment in spring] == [
        "28 Mar 02:00 CET",
        "28 Mar 02:15 CET",
        "28 Mar 02:30 CET",
        "28 Mar 02:45 CET",
        "29 Mar 03:00 CEST",
    ]
    autumn = occurrences(every_quarter, MADRID, at_noon(2026, 10, 24), at_noon(2026, 10, 25))
    assert [local(moment) for moment in autumn] == [
        "25 Oct 02:00 CEST",
        "25 Oct 02:15 CEST",
        "25 Oct 02:30 CEST",
        "25 Oct 02:45 CEST",
    ]


# --- every zone a person can choose, the next ten years ----------------------------------------

TEN_YEARS = range(2027, 2037)
CHOOSABLE = sorted(zone for zone in available_timezones() if "/" in zone)  # as /settings offers


def _offsets(zone: ZoneInfo, year: int) -> set[timedelta | None]:
    return {datetime(year, month, 1, tzinfo=UTC).astimezone(zone).utcoffset() for month in (1, 4, 7, 10)}


CHANGING = [name for name in CHOOSABLE if any(len(_offsets(ZoneInfo(name), year)) > 1 for year in TEN_YEARS)]


@cache
def transitions(name: str, year: int) -> list[datetime]:
    """The moments (UTC, to the minute) the clocks of `name` change in `year`."""
    zone, found = ZoneInfo(name), []
    noon = [datetime(year, 1, 1, 12, tzinfo=UTC) + timedelta(days=k) for k in range(366)]
    for before, after in pairwise(noon):
        if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = before, after  # the change lies in (low, high]: halve to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(second=0, microsecond=0))
    return found


def clocks(zone: ZoneInfo, start: datetime, end: datetime) -> tuple[list[datetime], list[datetime]]:
    """Every minute from `start` to `end`, and the latest the clocks in `zone` have shown by then
    (naive): the first minute a wall time is shown is the first whose latest reaches it."""
    moments = [start + timedelta(minutes=k) for k in range(int((end - start) / timedelta(minutes=1)))]
    latest = list(accumulate((moment.astimezone(zone).replace(tzinfo=None) for moment in moments), max))
    return moments, latest


@st.composite
def clock_change_cases(draw: st.DrawFn) -> tuple[str, Weekly | EveryDays | Cron, datetime]:
    """A zone, a moment its clocks change, and a rule whose time lies within two hours of it."""
    name = draw(st.sampled_from(CHANGING))
    year = draw(st.sampled_from([year for year in TEN_YEARS if transitions(name, year)]))
    change = draw(st.sampled_from(transitions(name, year)))
    shown = (change - timedelta(minutes=1)).astimezone(ZoneInfo(name)).replace(tzinfo=None)
    at = shown + timedelta(minutes=draw(st.integers(-120, 120)))
    kind = draw(st.sampled_from(["weekly", "every_days", "cron", "cron_quarters"]))
    if kind == "weekly":
        rule: Weekly | EveryDays | Cron = Weekly(weekly=DAYS[at.weekday()], at=at.time())
    elif kind == "every_days":
        every = draw(st.integers(1, 9))
        rule = EveryDays(every_days=every, at=at.time(), starting=at.date() - timedelta(days=every * 3))
    elif kind == "cron":
        rule = Cron(cron=f"{at.minute} {at.hour} * * *")
    else:
        rule = Cron(cron=f"*/15 {at.hour} * * *")
    return name, rule, change


def wall_times(rule: Weekly | EveryDays | Cron, day: date) -> list[time]:
    """The rule's times on `day`, for the kinds the cases draw."""
    if isinstance(rule, Weekly):
        return [rule.at] if DAYS[day.weekday()] == rule.weekly else []
    if isinstance(rule, EveryDays):
        return [rule.at] if (day - rule.starting).days % rule.every_days == 0 else []
    minute, hour = rule.cron.split()[:2]
    return [time(int(hour), m) for m in (range(0, 60, 15) if minute == "*/15" else [int(minute)])]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(case=clock_change_cases())
def test_on_every_clock_change_each_time_falls_once_at_its_wall_time_or_the_first_minute_after(case):
    name, rule, change = case
    zone = ZoneInfo(name)
    after, until = change - timedelta(hours=26), change + timedelta(hours=26)
    moments, latest = clocks(zone, after - timedelta(hours=3), until + timedelta(hours=3))
    expected = set()
    for offset in range((latest[-1].date() - latest[0].date()).days + 1):
        day = latest[0].date() + timedelta(days=offset)
        for at in wall_times(rule, day):
            first = bisect_left(latest, datetime.combine(day, at))  # shown then, or skipped to then
            if first < len(moments) and after < moments[first] <= until:
                expected.add(moments[first])
    assert [moment.astimezone(UTC) for moment in occurrences(rule, zone, after, until)] == sorted(expected)
