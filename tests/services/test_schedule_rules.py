"""When a rule falls in someone's timezone, through APScheduler's triggers: crontab's Sunday is
Sunday, and a weekly time stays the local time across a DST change."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flows.schedules import Cron, EveryDays, Weekly
from services.schedules.schedules import occurrences

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
