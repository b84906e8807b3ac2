"""When a scheduled message may reach her (flows.availability), from plain values: her own
quiet hours over the program's, overnight too; away until the day she is back, in her timezone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flows.availability import away_at, away_on, outside_quiet_hours, quiet_hours
from flows.schedules import QuietHours

LIMA = ZoneInfo("America/Lima")  # UTC-5
PROGRAM = QuietHours(start=time(20), end=time(7))


def test_her_own_quiet_hours_replace_the_programs_only_when_she_set_both_ends():
    assert quiet_hours(time(22), time(6, 30), PROGRAM) == QuietHours(start=time(22), end=time(6, 30))
    assert quiet_hours(time(22), None, PROGRAM) == PROGRAM
    assert quiet_hours(None, None, PROGRAM) == PROGRAM
    assert quiet_hours(None, None, None) is None


def test_a_message_due_in_quiet_hours_across_midnight_waits_for_their_end_the_next_morning():
    evening = datetime(2026, 12, 1, 21, 30, tzinfo=LIMA)
    assert outside_quiet_hours(evening, None, None, PROGRAM) == datetime(2026, 12, 2, 7, tzinfo=LIMA)
    after_midnight = datetime(2026, 12, 2, 0, 15, tzinfo=LIMA)
    assert outside_quiet_hours(after_midnight, None, None, PROGRAM) == datetime(2026, 12, 2, 7, tzinfo=LIMA)
    assert outside_quiet_hours(evening, time(23), time(6), PROGRAM) == evening, "hers start later"
    late = datetime(2026, 12, 1, 23, 30, tzinfo=LIMA)
    assert outside_quiet_hours(late, time(23), time(6), PROGRAM) == datetime(2026, 12, 2, 6, tzinfo=LIMA)
    assert outside_quiet_hours(evening, None, None, None) == evening, "no quiet hours at all"


def test_away_until_the_day_she_is_back_which_is_not_a_day_away():
    back = date(2026, 12, 10)
    assert away_on(date(2026, 12, 9), back, False)
    assert not away_on(back, back, False)
    assert not away_on(date(2026, 12, 9), None, False)


def test_away_until_she_says_so_is_every_day_with_no_date_at_all():
    assert away_on(date(2027, 9, 1), None, True)
    assert away_at(datetime(2030, 1, 1, tzinfo=UTC), None, True, "America/Lima")


def test_away_is_judged_on_her_own_calendar_not_the_servers():
    back = date(2026, 12, 10)
    # 03:00 UTC on the 10th is still the evening of the 9th in Lima: she is away until her midnight
    now = datetime(2026, 12, 10, 3, tzinfo=UTC)
    assert away_at(now, back, False, "America/Lima")
    assert not away_at(now, back, False, "Europe/Madrid")
    assert not away_at(datetime(2026, 12, 10, 5, tzinfo=UTC), back, False, "America/Lima")
